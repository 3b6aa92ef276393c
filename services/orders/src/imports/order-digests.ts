import type { BlindIndex } from '@siyu/crypto';
import type { MappedOrder } from '../order-book/order';
import { receiverIndexes, type LookupDigest } from '../vault/receiver-lookup-index';

/** Where an order is stored: the keyed digests of its buyer are scoped to the shop. */
export interface OrderScope {
  platform: string;
  shopId: string;
}

/** The keyed digests of an order (R16): CPU only, no database, so an import computes them on a worker thread. */
export interface OrderDigests {
  /** Keyed fingerprint of its content: an unchanged order is not written again. */
  fingerprint: string;
  /** Keyed pseudonym of its buyer: picks the buyer's data key. */
  pseudonym: string;
  /** After-sales lookup digests of its receiver and buyer id. */
  lookup: LookupDigest[];
}

export function orderDigests(blindIndex: BlindIndex, scope: OrderScope, order: MappedOrder): OrderDigests {
  return {
    fingerprint: orderFingerprint(blindIndex, order),
    pseudonym: buyerPseudonym(blindIndex, scope, order),
    lookup: receiverIndexes(blindIndex, order.receiver, order.buyerId),
  };
}

/**
 * Keyed, because the content includes the receiver: an unkeyed hash could confirm a guess. The
 * modification time is not content: a newer export of an unchanged order is "unchanged".
 */
export function orderFingerprint(blindIndex: BlindIndex, order: MappedOrder): string {
  return blindIndex.compute('orders:content', contentJson(order));
}

/**
 * Keyed pseudonym of the platform buyer id, scoped to the shop (R1). An order without a buyer id
 * gets a pseudonym of its own, so its data key is still shreddable on its own.
 */
function buyerPseudonym(blindIndex: BlindIndex, scope: OrderScope, order: MappedOrder): string {
  return order.buyerId
    ? blindIndex.pseudonym(`${scope.platform}:buyer`, `${scope.shopId}\0${order.buyerId}`)
    : blindIndex.pseudonym(
        `${scope.platform}:order-without-buyer`,
        `${scope.shopId}\0${order.platformOrderId}`,
      );
}

/**
 * `canonicalJson` of the order's content, built directly (members in sorted order, so plain
 * JSON.stringify yields the same text): fingerprints stay comparable with stored ones, at a
 * fraction of the cost on a million-row import.
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
