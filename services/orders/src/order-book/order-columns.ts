import type { OrderRecord } from './order.repository';

// The orders table's written columns, the array type unnest() reads each as, and how to read it from
// a record. Kept apart from the repository (no Nest, no TypeORM) so an import's worker thread builds
// COPY lines with the very same column list.
export const ORDER_COLUMNS: [column: string, type: string, value: (o: OrderRecord) => unknown][] = [
  ['order_ref', 'uuid', (o) => o.orderRef],
  ['platform', 'text', (o) => o.platform],
  ['shop_id', 'text', (o) => o.shopId],
  ['platform_order_id', 'text', (o) => o.platformOrderId],
  ['status', 'text', (o) => o.status],
  ['amount_cents', 'bigint', (o) => o.amountCents],
  ['ordered_at', 'timestamptz', (o) => o.orderedAt.toISOString()],
  ['paid_at', 'timestamptz', (o) => o.paidAt?.toISOString() ?? null],
  ['shipped_at', 'timestamptz', (o) => o.shippedAt?.toISOString() ?? null],
  ['logistics_company', 'text', (o) => o.logisticsCompany],
  ['tracking_number', 'text', (o) => o.trackingNumber],
  ['lines', 'jsonb', (o) => JSON.stringify(o.lines)],
  ['buyer_pseudonym', 'text', (o) => o.buyerPseudonym],
  ['buyer_id_sealed', 'text', (o) => o.buyerIdSealed],
  ['receiver_sealed', 'text', (o) => o.receiverSealed],
  ['content_fingerprint', 'text', (o) => o.contentFingerprint],
  ['last_import_id', 'uuid', (o) => o.lastImportId],
  ['last_import_row', 'integer', (o) => o.lastImportRow],
  ['source_modified_at', 'timestamptz', (o) => o.sourceModifiedAt?.toISOString() ?? null],
];

const SHIPPED_AT = ORDER_COLUMNS.findIndex(([c]) => c === 'shipped_at');

/**
 * A new order's values in `ORDER_COLUMNS` order, as COPY stores them. `now` is the transaction's
 * time: without 发货时间, the first import that shows the order shipped dates the shipment (the
 * same rule as the INSERT path's `coalesce(shipped_at, CASE WHEN status = 'shipped' THEN now() END)`).
 */
export function newOrderValues(record: OrderRecord, now: string): (string | number | null)[] {
  const values = ORDER_COLUMNS.map(([, , value]) => value(record)) as (string | number | null)[];
  if (values[SHIPPED_AT] === null && record.status === 'shipped') values[SHIPPED_AT] = now;
  return values;
}
