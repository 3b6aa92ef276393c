import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import type { TextEncoding } from './export-format';
import { ImportsError, ImportsErrorCode } from './imports.errors';

export interface ExportRecord {
  /** Position in the file as a spreadsheet shows it: the header is row 1. */
  row: number;
  cells: string[];
  /** Workbook cells holding a number too long to be exact (a 19-digit order id saved as a number). */
  inexactNumbers?: number[];
}

export type MalformedRecordHandler = (row: number, reason: string) => void;

// A record this large has lost its line breaks (or opened a quote it never closed): reading on
// would buffer the rest of the file, so the import stops there (issue §9, a 1 MB single line is below it).
const MAX_RECORD_CHARS = 4 * 1024 * 1024;

/** Streams CSV records (header first) from bytes in `encoding`, decoded chunk by chunk: memory stays flat. */
export async function* readCsvRecords(
  bytes: AsyncIterable<Buffer>,
  encoding: TextEncoding,
  onMalformedRecord: MalformedRecordHandler,
): AsyncGenerator<ExportRecord> {
  let tooLarge: number | null = null;
  const parser = parse({
    info: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    on_skip: (err) => {
      const row = Number(err?.records ?? 0) + 1;
      if (err?.code === 'CSV_MAX_RECORD_SIZE') tooLarge = row;
      else if (err?.code === 'CSV_QUOTE_NOT_CLOSED')
        onMalformedRecord(row, 'the file ends inside a quoted cell: truncated file or a quote never closed');
      else onMalformedRecord(row, `malformed CSV record (${err?.code ?? 'unreadable'})`);
      return undefined;
    },
  });
  // iconv strips a BOM; pipeline() carries a source error into the parser, so the loop throws it.
  pipeline(Readable.from(bytes), iconv.decodeStream(encoding), parser, () => undefined);
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { records: number };
  }>) {
    yield { row: info.records, cells: record };
  }
  if (tooLarge !== null) {
    // csv-parse stops after such a record; what came before it is already imported.
    throw new ImportsError(
      ImportsErrorCode.RECORD_TOO_LARGE,
      `row ${tooLarge} is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MiB (no line breaks, or a quote never closed); the rows before it were imported, fix the file and import it again`,
      { row: tooLarge },
    );
  }
}
