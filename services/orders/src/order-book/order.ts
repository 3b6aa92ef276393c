import type { Receiver } from '../vault/seal-receiver';

// The order book's model: one platform order as Siyu knows it, whichever door it came in by (an
// export file or a platform push). Imports and pushes map into it; retention, invitations and the
// vault read it back through OrderRepository.

/** Platform-neutral order states; each platform mapping translates its own wording. */
export const ORDER_STATUSES = ['awaiting_payment', 'paid', 'shipped', 'completed', 'closed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * Where a status sits in an order's life. Without a modification time, an update that would move
 * an order back (shipped → paid) comes from an older export and is not applied (issue §1).
 */
export const STATUS_RANK: Record<OrderStatus, number> = {
  awaiting_payment: 0,
  paid: 1,
  shipped: 2,
  completed: 3,
  // A completed order can still be refunded and closed; a closed one never reopens.
  closed: 4,
};

export interface OrderLine {
  sku: string;
  quantity: number;
  /** The line's own amount, when the source gives one (Douyin's 订单应付金额 per 子订单). */
  amountCents?: number;
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
  /** When the platform says the parcel left (发货时间), when the export has it. */
  shippedAt?: Date | null;
  /** The platform's last-modified time of the order, when the export has one. */
  sourceModifiedAt?: Date | null;
}
