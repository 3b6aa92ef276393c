import type { Platform } from '@siyu/contracts';
import type { FulfilmentField } from '@siyu/privacy';
import type { MappedOrder } from '../order-book/order';

/**
 * Columns kept for ingest control rather than for the purpose: the platform's last-modified time
 * orders updates (issue §1). Not personal data; it is stored as `source_modified_at`.
 */
export type IngestControlField = 'source_modified_at';
export type KeptField = FulfilmentField | IngestControlField;

/** Why a row was rejected; `field` is the export's column name. Never carries the cell's value. */
export interface CellProblem {
  field: string;
  reason: string;
}

/** `lineKey`: which line of its order the row is (sub-order id or SKU) when an export has a row per line. */
export type MappedRow = { order: MappedOrder; lineKey: string } | { problems: CellProblem[] };

/** Reads a kept column's normalised value ('' when absent or empty). */
export type CellReader = (column: string) => string;

/**
 * Everything platform-specific about one order export. Adding a platform = one layout file
 * registered in `platform-exports.ts`; reading, minimising, sealing and storing are shared.
 */
export interface PlatformExport {
  platform: Platform;
  /** Human name, for error messages. */
  label: string;
  /** Kept columns, each for a field the fulfilment purpose declares (R4); all others are dropped. */
  keptColumns: Readonly<Record<string, KeptField>>;
  /** The import is refused unless the header has at least one column of each group. */
  requiredColumns: readonly (readonly string[])[];
  /** Headers only this platform's export has: they name the likely platform of a file sent as another. */
  signatureColumns: readonly string[];
  /** One row per order line (子订单): consecutive rows of one order are merged into one order. */
  rowPerLine: boolean;
  /**
   * Whether the amount column holds each line row's own amount (Douyin's 订单应付金额 per 子订单):
   * merged rows then add up to the order's amount. Otherwise it is the order's amount, repeated
   * on every line row of the order.
   */
  amountPerLine: boolean;
  /** The headers that carry the amount, for problems found when rows merge. */
  amountColumns: readonly string[];
  /** `present` tells which of a field's alternative headers the file has (for precise problem reports). */
  mapRow(cell: CellReader, present?: (column: string) => boolean): MappedRow;
}
