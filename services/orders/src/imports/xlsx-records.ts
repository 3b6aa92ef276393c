import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportRecord } from './csv-records';
import { ImportsError, ImportsErrorCode } from './imports.errors';

/**
 * Streams the first worksheet of an .xlsx export, row by row (ExcelJS' streaming reader: shared
 * strings are cached, cell styles ignored). Cells come back as the text a seller sees.
 */
export async function* readXlsxRecords(bytes: AsyncIterable<Buffer>): AsyncGenerator<ExportRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const cells: string[] = [];
        const inexactNumbers: number[] = [];
        for (let i = 1; i < values.length; i++) {
          const value = values[i];
          if (typeof value === 'number' && !Number.isSafeInteger(value) && Math.abs(value) >= 2 ** 53)
            inexactNumbers.push(i - 1);
          cells.push(cellText(value));
        }
        if (cells.some((c) => c !== ''))
          yield inexactNumbers.length > 0
            ? { row: row.number, cells, inexactNumbers }
            : { row: row.number, cells };
      }
      return; // Exports have one sheet of orders; later sheets (notes, totals) are not orders.
    }
  } catch (err) {
    if (err instanceof ImportsError) throw err;
    throw new ImportsError(
      ImportsErrorCode.TRUNCATED_FILE,
      'the workbook is damaged or incomplete (an interrupted download?); rows read before the damage were imported, download the export again and re-import it',
    );
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    // Workbook dates carry no zone: ExcelJS reads the wall-clock time as UTC.
    return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
  }
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if (typeof v.text === 'string') return v.text;
    if (v.error) return '';
  }
  return String(value);
}
