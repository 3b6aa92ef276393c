/**
 * A worker thread of the import pool (`ImportWorkerPool` starts it): parses, screens, maps and
 * digests batches of an export's records off the thread that holds the chunk transactions. It
 * holds the FULFILMENT blind-index key only, inside the orders service's own process (R16); what
 * it answers goes back to that process alone and is never logged.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BlindIndex } from '@siyu/crypto';
import { screenExportBatch, type ExportBatchTask } from './export-batch-task';

const blindIndex = BlindIndex.fromBase64((workerData as { blindIndexKey: string }).blindIndexKey);

parentPort!.on('message', ({ id, task }: { id: number; task: ExportBatchTask }) => {
  try {
    parentPort!.postMessage({ id, result: screenExportBatch(task, blindIndex) });
  } catch (err) {
    // A programming error: its message names no cell value (problems never carry values).
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
