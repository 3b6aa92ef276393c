import type { RejectedRow } from './import-orders.use-case';

// A spreadsheet runs a cell starting with one of these as a formula (CSV injection); leading
// spaces are neutralised too, since some spreadsheet programs trim them before evaluating.
const FORMULA_START = /^(?:[=+\-@\t\r]| +[=+\-@])/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function csvCell(value: string): string {
  const safe = neutraliseFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Rejected rows as CSV for an operator to fix and re-import: row, field(s), reason(s), then the
 * original cells. It holds the file's personal data, so it is written only where the operator asks.
 */
export class RejectsCsv {
  private headerWritten = false;

  constructor(private readonly write: (text: string) => void) {}

  add(rejected: RejectedRow): void {
    if (!this.headerWritten) {
      // BOM: Excel opens UTF-8 CSV with Chinese headers correctly only with it.
      this.write(`\uFEFF${csvLine(['row', 'field', 'reason', ...rejected.header])}`);
      this.headerWritten = true;
    }
    this.write(
      csvLine([
        String(rejected.row),
        rejected.problems.map((p) => p.field).join('; '),
        rejected.problems.map((p) => p.reason).join('; '),
        ...rejected.cells,
      ]),
    );
  }
}
