import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
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

// How csv-parse reads an export, whether it streams the whole file or a worker reads a batch.
const CSV_OPTIONS = {
  relax_quotes: true,
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
} as const;

// A record this large has lost its line breaks (or opened a quote it never closed): reading on
// would buffer the rest of the file, so the import stops there (issue §9, a 1 MB single line is below it).
const MAX_RECORD_CHARS = 4 * 1024 * 1024;

/** Streams CSV records (header first) from bytes in `encoding`, decoded chunk by chunk: memory stays flat. */
export async function* readCsvRecords(
  bytes: AsyncIterable<Buffer>,
  encoding: TextEncoding,
  onMalformedRecord: MalformedRecordHandler,
  /** Records before these bytes (read by workers): rows are numbered on from there. */
  rowOffset = 0,
): AsyncGenerator<ExportRecord> {
  let tooLarge: number | null = null;
  const parser = parse({
    info: true,
    ...CSV_OPTIONS,
    max_record_size: MAX_RECORD_CHARS,
    on_skip: (err) => {
      const row = rowOffset + Number(err?.records ?? 0) + 1;
      if (err?.code === 'CSV_MAX_RECORD_SIZE') tooLarge = row;
      else onMalformedRecord(row, malformedReason(err?.code));
      return undefined;
    },
  });
  // iconv strips a BOM; pipeline() carries a source error into the parser, so the loop throws it.
  pipeline(Readable.from(bytes), iconv.decodeStream(encoding), parser, () => undefined);
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { records: number };
  }>) {
    yield { row: rowOffset + info.records, cells: record };
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

function malformedReason(code: string | undefined): string {
  return code === 'CSV_QUOTE_NOT_CLOSED'
    ? 'the file ends inside a quoted cell: truncated file or a quote never closed'
    : `malformed CSV record (${code ?? 'unreadable'})`;
}

/** A record of a batch, numbered from 1 within the batch; `raw` is its text (for a rejects file). */
export interface BatchRecord {
  row: number;
  cells: string[];
  raw: string;
}

/** A record csv-parse could not read; `row` is the number it would have had within the batch. */
export interface MalformedBatchRecord {
  row: number;
  malformed: string;
}

/** What one batch of whole records holds, in file order; `records` counts as csv-parse counts (header included). */
export interface CsvBatch {
  records: number;
  items: (BatchRecord | MalformedBatchRecord)[];
}

/**
 * Parses one batch of whole records cut by `CsvBatchSplitter` (on a worker thread), with the
 * options `readCsvRecords` uses and the file's record delimiter: numbering the batches' records
 * one after another gives the rows `readCsvRecords` gives for the whole file.
 */
export function parseCsvBatch(
  bytes: Uint8Array,
  encoding: 'utf-8' | 'gb18030',
  recordDelimiter: '\n' | '\r\n' | undefined,
  startOfFile: boolean,
): CsvBatch {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // UTF-8 goes to csv-parse as it is; GB18030 is decoded first (a BOM only at the file's start).
  const input =
    encoding === 'utf-8'
      ? startOfFile && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf
        ? buffer.subarray(3)
        : buffer
      : Buffer.from(iconv.decode(buffer, 'gb18030', { stripBOM: startOfFile }), 'utf8');
  const items: CsvBatch['items'] = [];
  let records = 0;
  let end = 0;
  parseSync(input, {
    ...CSV_OPTIONS,
    ...(recordDelimiter ? { record_delimiter: recordDelimiter } : {}),
    on_record: (record: string[], context: { records: number; bytes: number }) => {
      records = context.records;
      items.push({ row: records, cells: record, raw: input.toString('utf8', end, context.bytes) });
      end = context.bytes;
      return null;
    },
    on_skip: (err) => {
      items.push({ row: Number(err?.records ?? 0) + 1, malformed: malformedReason(err?.code) });
      return undefined;
    },
  });
  return { records, items };
}

/** The cells of a record's raw text (a batch record's `raw`, read again for a rejects file). */
export function cellsOfRawRecord(raw: string, recordDelimiter: '\n' | '\r\n' | undefined): string[] {
  const [cells] = parseSync(raw, {
    ...CSV_OPTIONS,
    ...(recordDelimiter ? { record_delimiter: recordDelimiter } : {}),
    to: 1,
  }) as string[][];
  return cells ?? [];
}
