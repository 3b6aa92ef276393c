import type { BlindIndex } from '@siyu/crypto';
import type { Platform } from '@siyu/contracts';
import type { ExportRecord } from './csv-records';
import type { ExportColumns } from './export-columns';
import { mapRecord, type ScreenedRecord } from './map-export-record';
import type { ExportMappingFile } from './mapping-file';
import { orderFacts, type OrderFacts } from './order-facts';
import type { MappedOrder } from '../order-book/order';
import type { PlatformExport } from './platform-export';
import { planExportColumns } from './platform-exports';

/** Records of one export to check and map (plain data: it crosses to a worker thread). */
export interface MapRecordsTask {
  header: string[];
  platform: Platform;
  mappingFile?: ExportMappingFile;
  delimitedText: boolean;
  records: ExportRecord[];
}

/** Whole orders of one chunk whose keyed digests are wanted. */
export interface PrepareOrdersTask {
  ctx: { platform: Platform; shopId: string };
  orders: MappedOrder[];
}

// The column plan of the exports a thread has seen (an import sends the same header each time).
const plans = new Map<string, { mapping: PlatformExport; columns: ExportColumns }>();

/** Screens each record for unmasked PII and maps it to an order, in file order (R1, R4). */
export function mapRecords(task: MapRecordsTask): ScreenedRecord[] {
  const key = JSON.stringify([task.platform, task.header, task.mappingFile ?? null]);
  let plan = plans.get(key);
  if (!plan) {
    if (plans.size > 16) plans.clear();
    // The importing thread planned the same header first: a refusal never reaches here.
    plan = planExportColumns(task.header, task.platform, task.mappingFile);
    plans.set(key, plan);
  }
  const { mapping, columns } = plan;
  return task.records.map((record) => mapRecord(record, columns, mapping, task.delimitedText));
}

/** Fingerprint, buyer pseudonym and lookup digests of each order (keyed: the blind-index key). */
export function prepareOrders(blindIndex: BlindIndex, task: PrepareOrdersTask): OrderFacts[] {
  return task.orders.map((order) => orderFacts(blindIndex, task.ctx, order));
}
