/**
 * A CSV cell that a spreadsheet cannot run: cells starting with = + - @ (or a tab/CR) are formulas
 * in Excel/WPS, so they get a leading apostrophe (OWASP CSV injection); every cell is quoted.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** UTF-8 with BOM so Excel opens Chinese text correctly. */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
