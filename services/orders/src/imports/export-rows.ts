import { CsvBatchSplitter } from './csv-batches';
import { cellsOfRawRecord, parseCsvBatch, readCsvRecords, type ExportRecord } from './csv-records';
import type { ExportBatchTask, ExportPlan, ScreenedBatch } from './export-batch-task';
import type { ImportWorkerPool } from './import-worker-pool';
import type { RowSource, ScreenedRow } from './screened-row';

/** Screens one record on the importing thread (the path without workers, and the rest of a file workers cannot cut). */
export type ScreenInThread = (record: ExportRecord) => ScreenedRow;

// Batches of about this size go to the workers (a few hundred rows of a typical export); a stalled
// upload sends what it has at once.
const BATCH_BYTES = 128 * 1024;

/** An export opened for the worker threads: its header, then its data rows screened on the workers. */
export interface RowsOnWorkers {
  header: string[];
  rows(planId: string, plan: ExportPlan, screenInThread: ScreenInThread): AsyncGenerator<ScreenedRow>;
  cellsOf(source: RowSource): string[];
}

/**
 * Reads a UTF-8 or GB18030 export's bytes up to its header and readies the rest for the workers.
 * Answers `inThread` (the bytes read so far and the rest, unchanged) when the first records
 * cannot be cut safely: the caller then streams the file on its own thread as before.
 */
export async function openRowsOnWorkers(
  bytes: AsyncIterator<Buffer>,
  encoding: 'utf-8' | 'gb18030',
  pool: ImportWorkerPool,
): Promise<{ onWorkers: RowsOnWorkers } | { inThread: AsyncGenerator<Buffer> }> {
  const splitter = new CsvBatchSplitter(BATCH_BYTES);
  let first: Buffer | null = null;
  let sourceDone = false;
  while (!first && !splitter.stopped) {
    const next = await bytes.next();
    if (next.done) {
      sourceDone = true;
      break;
    }
    first = splitter.push(next.value) ?? splitter.flush();
  }
  const headerItem = first ? parseCsvBatch(first, encoding, splitter.recordDelimiter, true).items[0] : null;
  if (!first || !headerItem || 'malformed' in headerItem || headerItem.row !== 1) {
    // A file of one line, or one the splitter is unsure of: read as one stream.
    const held = first ? [first, splitter.rest()] : [splitter.rest()];
    return { inThread: replay(held, sourceDone ? null : bytes) };
  }
  const firstBatch = first;
  return {
    onWorkers: {
      header: headerItem.cells,
      cellsOf: (source) =>
        typeof source === 'string' ? cellsOfRawRecord(source, splitter.recordDelimiter) : source,
      rows: (planId, plan, screenInThread) =>
        screenOnWorkers(
          { bytes, splitter, sourceDone, encoding, pool, planId, plan, screenInThread },
          firstBatch,
        ),
    },
  };
}

interface WorkerReading {
  bytes: AsyncIterator<Buffer>;
  splitter: CsvBatchSplitter;
  sourceDone: boolean;
  encoding: 'utf-8' | 'gb18030';
  pool: ImportWorkerPool;
  planId: string;
  plan: ExportPlan;
  screenInThread: ScreenInThread;
}

/**
 * Hands batches to the workers as the bytes arrive and yields their rows in file order, numbered
 * as one stream would number them. At most two batches per thread are out: past that the source
 * is not read (back-pressure reaches the upload). A result that is ready is yielded before the
 * next bytes are awaited, and a source that stalls gets its complete records sent at once, so a
 * paused upload shows every row it has sent. If the splitter stops being sure of the file, the
 * rest is read on this thread as one stream, after the batches before it.
 */
async function* screenOnWorkers(r: WorkerReading, firstBatch: Buffer): AsyncGenerator<ScreenedRow> {
  const maxOut = 2 * r.pool.threads;
  const out: Promise<ScreenedBatch>[] = [];
  const send = (bytes: Buffer, startOfFile: boolean) => {
    const task: ExportBatchTask = {
      planId: r.planId,
      plan: r.plan,
      // A copy of its own, moved to the worker thread.
      bytes: new Uint8Array(bytes),
      encoding: r.encoding,
      recordDelimiter: r.splitter.recordDelimiter,
      startOfFile,
    };
    const result = r.pool.screen(task);
    result.catch(() => undefined); // surfaced when its turn comes
    out.push(result);
  };
  send(firstBatch, true);
  let sourceDone = r.sourceDone;
  let reading: Promise<IteratorResult<Buffer>> | null = null;
  let offset = 0;
  try {
    for (;;) {
      while (!sourceDone && !r.splitter.stopped && out.length < maxOut) {
        if (out.length === 0) {
          const complete = r.splitter.flush();
          if (complete) {
            send(complete, false);
            continue;
          }
        }
        if (!reading) {
          reading = r.bytes.next();
          reading.catch(() => undefined);
        }
        if (out.length > 0) {
          const resultFirst = await Promise.race([
            reading.then(
              () => false,
              () => false,
            ),
            out[0].then(
              () => true,
              () => true,
            ),
          ]);
          if (resultFirst) break;
        }
        const next = await reading;
        reading = null;
        if (next.done) {
          sourceDone = true;
          if (!r.splitter.stopped) {
            const last = r.splitter.rest();
            if (last.length > 0) send(last, false);
          }
        } else {
          const batch = r.splitter.push(next.value);
          if (batch) send(batch, false);
        }
      }
      const head = out.shift();
      if (!head) break;
      const batch = await head;
      for (const row of batch.rows) {
        row.row += offset;
        yield row;
      }
      offset += batch.records;
    }
    if (r.splitter.stopped) {
      const pendingRead = reading;
      reading = null;
      yield* screenRestInThread(
        r,
        offset,
        replayAfter(r.splitter.rest(), pendingRead, sourceDone ? null : r.bytes),
      );
    }
  } finally {
    for (const result of out) result.catch(() => undefined);
  }
}

async function* screenRestInThread(
  r: WorkerReading,
  offset: number,
  bytes: AsyncGenerator<Buffer>,
): AsyncGenerator<ScreenedRow> {
  const malformed: ScreenedRow[] = [];
  const onMalformed = (row: number, reason: string) =>
    malformed.push({ row, source: [], problems: [{ field: '(record)', reason }] });
  const records = readCsvRecords(bytes, r.encoding, onMalformed, offset);
  for await (const record of records) {
    yield* malformed.splice(0);
    yield r.screenInThread(record);
  }
  yield* malformed.splice(0);
}

async function* replay(held: Buffer[], rest: AsyncIterator<Buffer> | null): AsyncGenerator<Buffer> {
  for (const bytes of held) if (bytes.length > 0) yield bytes;
  if (!rest) return;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

async function* replayAfter(
  held: Buffer,
  pendingRead: Promise<IteratorResult<Buffer>> | null,
  rest: AsyncIterator<Buffer> | null,
): AsyncGenerator<Buffer> {
  if (held.length > 0) yield held;
  if (pendingRead) {
    const next = await pendingRead;
    if (next.done) return;
    yield next.value;
  }
  yield* replay([], rest);
}
