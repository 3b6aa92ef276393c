/**
 * A worker thread of the import pool (`ImportWorkerPool` starts it): parses, screens, maps and
 * digests batches of an export's records, and seals chunks and builds their COPY text, off the
 * thread that holds the chunk transactions. It holds the FULFILMENT blind-index key, and for the
 * length of one task the data keys of that chunk's buyers (never the KEK), inside the orders
 * service's own process (R16); what it answers goes back to that process alone and is never logged.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BlindIndex } from '@siyu/crypto';
import { screenExportBatch, type ExportBatchTask } from './export-batch-task';
import { sealChunk, type SealChunkTask } from './sealed-chunk';

const blindIndex = BlindIndex.fromBase64((workerData as { blindIndexKey: string }).blindIndexKey);

type Message =
  { id: number; kind: 'screen'; task: ExportBatchTask } | { id: number; kind: 'seal'; task: SealChunkTask };

parentPort!.on('message', (msg: Message) => {
  const { id } = msg;
  try {
    const result = msg.kind === 'seal' ? sealChunk(msg.task) : screenExportBatch(msg.task, blindIndex);
    parentPort!.postMessage({ id, result });
  } catch (err) {
    // A programming error: its message names no cell value (problems never carry values).
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
