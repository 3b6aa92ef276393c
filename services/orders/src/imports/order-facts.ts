import type { BlindIndex } from '@siyu/crypto';
import { receiverIndexes, type LookupDigest } from '../vault/receiver-lookup-index';
import type { MappedOrder } from '../order-book/order';

/** The keyed digests of an order, computed before its transaction (CPU only: a worker thread's work). */
export interface OrderFacts {
  fingerprint: string;
  pseudonym: string;
  /** After-sales lookup digests of its receiver and buyer id (R16). */
  lookup: LookupDigest[];
}

/** Keyed fingerprint, buyer pseudonym and lookup digests of an order (no database). */
export function orderFacts(
  blindIndex: BlindIndex,
  ctx: { platform: string; shopId: string },
  order: MappedOrder,
): OrderFacts {
  return {
    // Keyed, because the content includes the receiver: an unkeyed hash could confirm a guess.
    fingerprint: blindIndex.compute('orders:content', contentJson(order)),
    pseudonym: buyerPseudonym(blindIndex, ctx, order),
    lookup: receiverIndexes(blindIndex, order.receiver, order.buyerId),
  };
}

/**
 * Keyed pseudonym of the platform buyer id, scoped to the shop (R1). An order without a buyer id
 * gets a pseudonym of its own, so its data key is still shreddable on its own.
 */
function buyerPseudonym(
  blindIndex: BlindIndex,
  ctx: { platform: string; shopId: string },
  order: MappedOrder,
): string {
  return order.buyerId
    ? blindIndex.pseudonym(`${ctx.platform}:buyer`, `${ctx.shopId}\0${order.buyerId}`)
    : blindIndex.pseudonym(`${ctx.platform}:order-without-buyer`, `${ctx.shopId}\0${order.platformOrderId}`);
}

/**
 * `canonicalJson` of the order's content, built directly (members in sorted order, so plain
 * JSON.stringify yields the same text): fingerprints stay comparable with stored ones, at a
 * fraction of the cost on a million-row import. The modification time is not content: a newer
 * export of an unchanged order is "unchanged".
 */
export function contentJson(order: MappedOrder): string {
  return JSON.stringify({
    amountCents: order.amountCents,
    buyerId: order.buyerId,
    // A line's own amount only where the export has one (absent keys keep older fingerprints).
    lines: order.lines.map((l) => ({ amountCents: l.amountCents, quantity: l.quantity, sku: l.sku })),
    logisticsCompany: order.logisticsCompany,
    orderedAt: order.orderedAt,
    paidAt: order.paidAt,
    platformOrderId: order.platformOrderId,
    receiver: { address: order.receiver.address, name: order.receiver.name, phone: order.receiver.phone },
    // Absent (not null) without a 发货时间 column: fingerprints of such exports stay as they were.
    shippedAt: order.shippedAt ?? undefined,
    status: order.status,
    trackingNumber: order.trackingNumber,
  });
}
