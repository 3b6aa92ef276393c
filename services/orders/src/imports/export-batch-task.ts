import type { Platform } from '@siyu/contracts';
import type { BlindIndex } from '@siyu/crypto';
import type { PiiKind } from '@siyu/privacy';
import { parseCsvBatch } from './csv-records';
import type { ExportMappingFile } from './mapping-file';
import { orderDigests } from './order-digests';
import { planExportColumns } from './platform-exports';
import type { ScreenedRow } from './screened-row';
import { screenRecord } from './screen-record';

/** What a worker needs to read an import's rows as the importing thread would: the file's header and mapping. */
export interface ExportPlan {
  platform: Platform;
  shopId: string;
  header: string[];
  mappingFile?: ExportMappingFile;
}

/** One batch of whole CSV records (cut by `CsvBatchSplitter`), to parse, screen, map and digest. */
export interface ExportBatchTask {
  /** Names the plan within a worker, so a worker plans each import's columns once. */
  planId: string;
  plan: ExportPlan;
  bytes: Uint8Array;
  encoding: 'utf-8' | 'gb18030';
  recordDelimiter: '\n' | '\r\n' | undefined;
  /** The file's first batch: it may start with a BOM, and its first record is the header. */
  startOfFile: boolean;
}

/** The batch's rows in file order, numbered within the batch (its first record is 1); `records` as csv-parse counts them. */
export interface ScreenedBatch {
  records: number;
  rows: ScreenedRow[];
}

const plans = new Map<string, ReturnType<typeof planExportColumns>>();

/**
 * Runs on a worker thread (or in-thread with no pool): everything an import does per row before
 * its chunk transaction — parsing, the row checks and unmasked-PII scan, mapping (R4: only kept
 * columns are read) and the order's keyed digests (R16) — so the importing thread only assembles
 * orders, seals them and streams them to PostgreSQL.
 */
export function screenExportBatch(task: ExportBatchTask, blindIndex: BlindIndex): ScreenedBatch {
  let planned = plans.get(task.planId);
  if (!planned) {
    // One import at a time per worker is the usual case; a few plans are kept for concurrent ones.
    if (plans.size >= 8) plans.delete(plans.keys().next().value!);
    planned = planExportColumns(task.plan.header, task.plan.platform, task.plan.mappingFile);
    plans.set(task.planId, planned);
  }
  const { mapping, columns } = planned;
  const scope = { platform: task.plan.platform, shopId: task.plan.shopId };
  const batch = parseCsvBatch(task.bytes, task.encoding, task.recordDelimiter, task.startOfFile);
  const rows: ScreenedRow[] = [];
  for (const item of batch.items) {
    if (task.startOfFile && item.row === 1 && !('malformed' in item)) continue; // the header
    if ('malformed' in item) {
      rows.push({ row: item.row, source: [], problems: [{ field: '(record)', reason: item.malformed }] });
      continue;
    }
    let pii: { column: string; kinds: PiiKind[] }[] | undefined;
    const mapped = screenRecord(
      { row: item.row, cells: item.cells },
      columns,
      mapping,
      true,
      (column, _row, kinds) => (pii ??= []).push({ column, kinds }),
    );
    if ('problems' in mapped) rows.push({ row: item.row, source: item.raw, pii, problems: mapped.problems });
    else
      rows.push({
        row: item.row,
        source: item.raw,
        pii,
        order: mapped.order,
        lineKey: mapped.lineKey,
        digests: orderDigests(blindIndex, scope, mapped.order),
      });
  }
  return { records: batch.records, rows };
}
