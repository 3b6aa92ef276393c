import { detectUnmaskedPii, type PiiKind } from '@siyu/privacy';
import type { ExportRecord } from './csv-records';
import type { ExportColumns } from './export-columns';
import type { CellProblem, MappedRow, PlatformExport } from './platform-export';

// Real order rows are far below this; a larger one is a broken line (issue §9, a 1 MB single line).
const MAX_ROW_CHARS = 64 * 1024;

/**
 * Checks one record and maps it to an order. Every column, kept or dropped, is scanned for
 * unmasked PII first, whatever else is wrong with the row; only kinds and row numbers are kept (R1).
 */
export function screenRecord(
  { row, cells, inexactNumbers }: ExportRecord,
  columns: ExportColumns,
  mapping: PlatformExport,
  delimitedText: boolean,
  notePii: (column: string, row: number, kinds: PiiKind[]) => void,
): MappedRow {
  const problems = inexactNumbers
    ? inexactNumbers.map((i) => ({
        field: columns.labels[i] ?? `(column ${i + 1})`,
        reason:
          'the workbook stores this as a number too long to be exact (digits were lost); export the column as text or as CSV',
      }))
    : rowProblems(cells, columns, columns.labels.length, delimitedText);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (!cell) continue;
    const kinds = detectUnmaskedPii(cell);
    if (kinds.length > 0) notePii(columns.labels[i] ?? `(column ${i + 1})`, row, kinds);
  }
  if (problems.length > 0) return { problems };
  return mapping.mapRow(columns.readerFor(cells), columns.has);
}

/** Row-level problems that come before the platform mapping: size, encoding, a short row. */
function rowProblems(
  cells: string[],
  columns: ExportColumns,
  width: number,
  delimitedText: boolean,
): CellProblem[] {
  let chars = 0;
  for (const c of cells) chars += c.length;
  if (chars > MAX_ROW_CHARS)
    return [
      {
        field: '(row)',
        reason: `row is larger than ${MAX_ROW_CHARS / 1024} KiB: a broken line or a quote never closed`,
      },
    ];
  for (let i = 0; i < cells.length; i++) {
    if (cells[i].includes('\uFFFD'))
      return [
        {
          field: columns.labels[i] ?? `(column ${i + 1})`,
          reason:
            'holds bytes that are not text in the file’s encoding (the file mixes encodings); save the export in one encoding and import it again',
        },
      ];
  }
  // A text export's rows are as wide as its header; a shorter one was cut (truncated download).
  if (delimitedText && cells.length < width)
    return [
      {
        field: '(row)',
        reason: `row has ${cells.length} of ${width} columns: the file is truncated or the line is broken`,
      },
    ];
  return [];
}
