import { readCsvRecords, type ExportRecord, type MalformedRecordHandler } from './csv-records';
import { detectExportFormat, SNIFF_BYTES, type ExportFormat } from './export-format';
import { readXlsxRecords } from './xlsx-records';

export interface ExportReading {
  format: ExportFormat;
  /** The file's bytes from the start (for the worker threads), or… */
  bytes: AsyncGenerator<Buffer>;
  /** …its records, read on this thread (from `bytes`, or from bytes handed back unread). Read one of the two. */
  records(bytes?: AsyncGenerator<Buffer>): AsyncGenerator<ExportRecord>;
}

/**
 * Reads the first 64 KB of an export to learn what it is (workbook or text, and the text's
 * encoding), then streams its records. Refusals happen here, before anything is written.
 */
export async function readExportRecords(
  source: AsyncIterable<Buffer | string>,
  onMalformedRecord: MalformedRecordHandler,
): Promise<ExportReading> {
  const iterator = source[Symbol.asyncIterator]();
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let complete = false;
  while (headLength < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      complete = true;
      break;
    }
    const bytes = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
    headChunks.push(bytes);
    headLength += bytes.length;
  }
  const head = Buffer.concat(headChunks);
  const format = detectExportFormat(head, complete);
  async function* bytes(): AsyncGenerator<Buffer> {
    yield head;
    if (complete) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
    }
  }
  const all = bytes();
  const records = (from: AsyncGenerator<Buffer> = all) =>
    format.kind === 'xlsx' ? readXlsxRecords(from) : readCsvRecords(from, format.encoding, onMalformedRecord);
  return { format, bytes: all, records };
}
