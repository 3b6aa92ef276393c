import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrdersIngestedV1, TOPICS, type Platform } from '@siyu/contracts';
import { BlindIndex } from '@siyu/crypto';
import { IndexReceivers } from '../vault/index-receivers';
import { addManyToOutbox, type OutboxEntry } from '@siyu/messaging';
import { BuyerDataKeys } from '../vault/buyer-data-keys';
import { sealBuyerId, sealReceiver } from '../vault/seal-receiver';
import type { ChunkOutcome } from './import-summary';
import { OrderRepository, type KnownOrder, type OrderRecord } from './order.repository';
import { STATUS_RANK, type MappedOrder } from './platform-export';

/** An order with what can be computed before its transaction (so it overlaps the previous chunk's writes). */
export interface PreparedOrder {
  order: MappedOrder;
  fingerprint: string;
  pseudonym: string;
}

export interface ChunkContext {
  importId: string;
  platform: Platform;
  shopId: string;
}

/**
 * Stores one chunk of mapped orders in the caller's transaction (STYLE rule 4): sealed rows, new
 * data keys and one `orders.ingested.v1` event per new or changed order commit together. A
 * known order is rewritten only by an update that is not older than what is stored.
 */
@Injectable()
export class IngestOrderChunk {
  constructor(
    private readonly orders: OrderRepository,
    private readonly dataKeys: BuyerDataKeys,
    private readonly blindIndex: BlindIndex,
    private readonly indexReceivers: IndexReceivers,
  ) {}

  /** The keyed fingerprint and buyer pseudonym of an order: CPU only, no database. */
  prepare(ctx: ChunkContext, order: MappedOrder): PreparedOrder {
    return { order, fingerprint: this.fingerprint(order), pseudonym: this.buyerPseudonym(ctx, order) };
  }

  async execute(tx: EntityManager, ctx: ChunkContext, chunk: PreparedOrder[]): Promise<ChunkOutcome> {
    await this.orders.lockShop(tx, ctx.platform, ctx.shopId);
    const known = await this.orders.findKnownOrders(
      tx,
      ctx.platform,
      ctx.shopId,
      chunk.map((p) => p.order.platformOrderId),
    );
    const outcome: ChunkOutcome = { accepted: 0, updated: 0, unchanged: 0, stale: 0 };
    const writes: {
      order: MappedOrder;
      orderRef: string;
      pseudonym: string;
      fingerprint: string;
      known: boolean;
    }[] = [];
    const advanced: { orderRef: string; sourceModifiedAt: Date }[] = [];
    for (const { order, fingerprint, pseudonym } of chunk) {
      const existing = known.get(order.platformOrderId);
      if (existing && isOlderThanStored(order, existing)) {
        outcome.stale++;
        continue;
      }
      if (existing?.contentFingerprint === fingerprint) {
        outcome.unchanged++;
        if (order.sourceModifiedAt)
          advanced.push({ orderRef: existing.orderRef, sourceModifiedAt: order.sourceModifiedAt });
        continue;
      }
      if (existing) outcome.updated++;
      else outcome.accepted++;
      writes.push({
        order,
        orderRef: existing?.orderRef ?? randomUUID(),
        pseudonym,
        fingerprint,
        known: existing !== undefined,
      });
    }
    await this.orders.advanceSourceModifiedAt(tx, advanced);
    if (writes.length === 0) return outcome;

    // One data key per distinct buyer of the chunk: fetched (or created) once, used for all their orders.
    const keys = await this.dataKeys.forBuyers(
      tx,
      writes.map((w) => w.pseudonym),
    );
    const records: OrderRecord[] = writes.map(({ order, orderRef, pseudonym, fingerprint }) => {
      const dataKey = keys.get(pseudonym)!;
      return {
        orderRef,
        platform: ctx.platform,
        shopId: ctx.shopId,
        platformOrderId: order.platformOrderId,
        status: order.status,
        amountCents: order.amountCents,
        orderedAt: order.orderedAt,
        paidAt: order.paidAt,
        shippedAt: order.shippedAt ?? null,
        logisticsCompany: order.logisticsCompany,
        trackingNumber: order.trackingNumber,
        lines: order.lines,
        buyerPseudonym: pseudonym,
        // R1: kept sealed even when the platform masked it.
        buyerIdSealed: order.buyerId ? sealBuyerId(dataKey, orderRef, order.buyerId) : null,
        receiverSealed: sealReceiver(dataKey, orderRef, order.receiver),
        contentFingerprint: fingerprint,
        lastImportId: ctx.importId,
        sourceModifiedAt: order.sourceModifiedAt ?? null,
      };
    });
    await this.orders.insertNewOrders(
      tx,
      records.filter((_, i) => !writes[i].known),
    );
    await this.orders.rewriteChangedOrders(
      tx,
      records.filter((_, i) => writes[i].known),
    );
    // After-sales lookup rows (blind indexes, R16) in the same transaction as the sealed receiver.
    await this.indexReceivers.execute(
      tx,
      writes.map((w) => ({
        orderRef: w.orderRef,
        receiver: w.order.receiver,
        buyerId: w.order.buyerId ?? null,
      })),
    );
    // Non-identifying facts only: no receiver, no buyer id or pseudonym, no platform order id (R16).
    await addManyToOutbox<OrdersIngestedV1>(
      tx,
      records.map((r): OutboxEntry<OrdersIngestedV1> => ({
        topic: TOPICS.ordersIngested,
        key: r.orderRef,
        event: {
          type: 'orders.ingested.v1',
          orderRef: r.orderRef,
          platform: r.platform,
          shopId: r.shopId,
          status: r.status,
          amountCents: r.amountCents,
          orderedAt: r.orderedAt.toISOString(),
          lines: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        },
      })),
      // Every event here comes from the literal above; the event PII scan test covers its members.
      { validate: 'first-of-each-type' },
    );
    return outcome;
  }

  /**
   * Keyed pseudonym of the platform buyer id, scoped to the shop (R1). An order without a buyer id
   * gets a pseudonym of its own, so its data key is still shreddable on its own.
   */
  private buyerPseudonym(ctx: ChunkContext, order: MappedOrder): string {
    return order.buyerId
      ? this.blindIndex.pseudonym(`${ctx.platform}:buyer`, `${ctx.shopId}\0${order.buyerId}`)
      : this.blindIndex.pseudonym(
          `${ctx.platform}:order-without-buyer`,
          `${ctx.shopId}\0${order.platformOrderId}`,
        );
  }

  /**
   * Keyed, because the content includes the receiver: an unkeyed hash could confirm a guess. The
   * modification time is not content: a newer export of an unchanged order is "unchanged".
   */
  private fingerprint(order: MappedOrder): string {
    return this.blindIndex.compute('orders:content', contentJson(order));
  }
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
    lines: order.lines.map((l) => ({ quantity: l.quantity, sku: l.sku })),
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

/**
 * An older update never overwrites a newer one (issue §1). With the platform's modification time
 * on both sides, it decides; without it, an update that would move the order back in its life
 * (shipped → paid) is older; at the same stage the later import wins.
 */
export function isOlderThanStored(order: MappedOrder, stored: KnownOrder): boolean {
  if (order.sourceModifiedAt && stored.sourceModifiedAt)
    return order.sourceModifiedAt.getTime() < stored.sourceModifiedAt.getTime();
  return STATUS_RANK[order.status] < STATUS_RANK[stored.status];
}
