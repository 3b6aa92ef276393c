import type { Platform } from '@siyu/contracts';
import type { FulfilmentField } from '@siyu/privacy';
import type { Receiver } from '../vault/seal-receiver';

/** Platform-neutral order states; each platform mapping translates its own wording. */
export const ORDER_STATUSES = ['awaiting_payment', 'paid', 'shipped', 'completed', 'closed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderLine {
  sku: string;
  quantity: number;
}

/** One order as read from an export, before sealing. `receiver` and `buyerId` are plaintext PII. */
export interface MappedOrder {
  platformOrderId: string;
  status: OrderStatus;
  amountCents: number;
  orderedAt: Date;
  paidAt: Date | null;
  logisticsCompany: string | null;
  trackingNumber: string | null;
  lines: OrderLine[];
  receiver: Receiver;
  /** The platform's buyer account id (masked or not: R1 personal either way). */
  buyerId: string | null;
}

/** Why a row was rejected; `field` is the export's column name. Never carries the cell's value. */
export interface CellProblem {
  field: string;
  reason: string;
}

export type MappedRow = { order: MappedOrder } | { problems: CellProblem[] };

/** Reads a kept column's normalised value ('' when absent or empty). */
export type CellReader = (column: string) => string;

/**
 * Everything platform-specific about one order export. Adding a platform = one such mapping file
 * registered in `platform-exports.ts`; reading, minimising, sealing and storing are shared.
 */
export interface PlatformExport {
  platform: Platform;
  /** Human name, for error messages. */
  label: string;
  /** Kept columns, each for a field the fulfilment purpose declares (R4); all others are dropped. */
  keptColumns: Readonly<Record<string, FulfilmentField>>;
  /** The import is refused unless the header has at least one column of each group. */
  requiredColumns: readonly (readonly string[])[];
  mapRow(cell: CellReader): MappedRow;
}
