import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { ImportsError, ImportsErrorCode } from './imports.errors';

export interface CsvRecord {
  /** Position in the file as a spreadsheet shows it: the header is row 1. */
  row: number;
  cells: string[];
}

const SNIFF_BYTES = 4096;

/**
 * Streams CSV records (header first) from raw bytes with bounded memory: bytes are checked and
 * decoded as UTF-8 (BOM optional) chunk by chunk and fed to csv-parse. A file that is empty,
 * binary or not UTF-8 is refused before its first record is yielded, so nothing gets written.
 */
export async function* readCsvRecords(
  source: AsyncIterable<Buffer | string>,
  onMalformedRecord: (row: number, reason: string) => void,
): AsyncGenerator<CsvRecord> {
  const parser = parse({
    info: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      onMalformedRecord(Number(err?.records ?? 0) + 1, `malformed CSV record (${err?.code ?? 'unreadable'})`);
      return undefined;
    },
  });
  // pipeline() carries a decoding error into the parser, so the loop below throws it.
  pipeline(Readable.from(decodeUtf8Text(source)), parser, () => undefined);
  let yielded = false;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { records: number };
  }>) {
    yielded = true;
    yield { row: info.records, cells: record };
  }
  if (!yielded)
    throw new ImportsError(ImportsErrorCode.EMPTY_FILE, 'the file holds no CSV header and no rows');
}

async function* decodeUtf8Text(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  // ignoreBOM: false strips a leading UTF-8 BOM; fatal: true refuses GBK and other encodings.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const decode = (bytes?: Buffer): string => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw new ImportsError(
        ImportsErrorCode.NOT_UTF8,
        'the file is not UTF-8 text; export the report as UTF-8 CSV (GBK exports are not supported yet)',
      );
    }
  };
  let head: Buffer | null = Buffer.alloc(0);
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (head) {
      head = Buffer.concat([head, bytes]);
      if (head.length < SNIFF_BYTES) continue;
      assertLooksLikeText(head);
      const text = decode(head);
      head = null;
      yield text;
    } else {
      yield decode(bytes);
    }
  }
  if (head) {
    if (head.length === 0) throw new ImportsError(ImportsErrorCode.EMPTY_FILE, 'the file is empty');
    assertLooksLikeText(head);
    yield decode(head);
  }
  yield decode();
}

const SIGNATURES: [bytes: number[], what: string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an .xlsx workbook?)'],
  [[0x50, 0x4b, 0x05, 0x06], 'an empty ZIP archive'],
  [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'a legacy Excel (.xls) workbook'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0xff, 0xfe], 'UTF-16 text'],
  [[0xfe, 0xff], 'UTF-16 text'],
];

function assertLooksLikeText(head: Buffer): void {
  for (const [signature, what] of SIGNATURES) {
    if (signature.every((b, i) => head[i] === b)) {
      throw new ImportsError(
        ImportsErrorCode.NOT_CSV,
        `the file is ${what}, not a CSV export; export the report as CSV`,
      );
    }
  }
  if (head.includes(0))
    throw new ImportsError(ImportsErrorCode.NOT_CSV, 'the file holds binary data, not CSV text');
}
