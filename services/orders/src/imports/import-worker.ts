/**
 * A worker thread of the import pool (piscina loads this compiled file): the per-row CPU work of
 * an import — screening, mapping, keyed digests — off the thread that streams chunks to PostgreSQL.
 * It holds the FULFILMENT blind-index key only (R16: the orders service's own process).
 */
import { workerData } from 'node:worker_threads';
import { BlindIndex } from '@siyu/crypto';
import {
  mapRecords as mapRecordsInThread,
  prepareOrders as prepareOrdersInThread,
  type MapRecordsTask,
  type PrepareOrdersTask,
} from './import-tasks';

const { blindIndexKey } = workerData as { blindIndexKey: string };
const blindIndex = BlindIndex.fromBase64(blindIndexKey);

export function mapRecords(task: MapRecordsTask) {
  return mapRecordsInThread(task);
}

export function prepareOrders(task: PrepareOrdersTask) {
  return prepareOrdersInThread(blindIndex, task);
}
