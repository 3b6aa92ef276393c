/**
 * The fields the fulfilment purpose declares (R4): ingest keeps these and drops every other
 * column. A platform mapping may only map a column to one of them (checked by the type).
 */
export const FULFILMENT_FIELDS = [
  'order_id',
  'order_status',
  'amount',
  'ordered_at',
  'paid_at',
  // When the parcel left: which day's parcel cards an order belongs on.
  'shipped_at',
  'logistics_company',
  'tracking_number',
  'line_sku',
  'line_quantity',
  'receiver_name',
  'receiver_phone',
  'receiver_address',
  'buyer_id',
] as const;
export type FulfilmentField = (typeof FULFILMENT_FIELDS)[number];

/** Personal fields: stored only sealed (and the buyer id also as a keyed pseudonym), R1/R16. */
export const SEALED_FULFILMENT_FIELDS = [
  'receiver_name',
  'receiver_phone',
  'receiver_address',
  'buyer_id',
] as const satisfies readonly FulfilmentField[];

export const RECEIVER_FIELDS = [
  'receiver_name',
  'receiver_phone',
  'receiver_address',
] as const satisfies readonly FulfilmentField[];

/**
 * The reasons staff may see a receiver in clear (R3: data collected for delivery and after-sales
 * is used for nothing else), like the platforms' own decrypt "scene codes".
 */
export const FULFILMENT_PURPOSES = ['shipping', 'after_sales', 'customer_care'] as const;
export type FulfilmentPurpose = (typeof FULFILMENT_PURPOSES)[number];

export function isFulfilmentPurpose(purpose: string): purpose is FulfilmentPurpose {
  return (FULFILMENT_PURPOSES as readonly string[]).includes(purpose);
}
