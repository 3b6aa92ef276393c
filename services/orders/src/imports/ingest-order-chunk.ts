import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrdersIngestedV1, TOPICS, type Platform } from '@siyu/contracts';
import { BlindIndex, canonicalJson } from '@siyu/crypto';
import { addToOutbox } from '@siyu/messaging';
import { BuyerDataKeys } from '../vault/buyer-data-keys';
import { sealBuyerId, sealReceiver } from '../vault/seal-receiver';
import type { ChunkOutcome } from './import-summary';
import { OrderRepository, type OrderRecord } from './order.repository';
import type { MappedOrder } from './platform-export';

export interface ChunkContext {
  importId: string;
  platform: Platform;
  shopId: string;
}

/**
 * Stores one chunk of mapped orders in the caller's transaction (STYLE rule 4): sealed rows, new
 * data keys and one `orders.ingested.v1` event per new or changed order commit together.
 */
@Injectable()
export class IngestOrderChunk {
  constructor(
    private readonly orders: OrderRepository,
    private readonly dataKeys: BuyerDataKeys,
    private readonly blindIndex: BlindIndex,
  ) {}

  async execute(tx: EntityManager, ctx: ChunkContext, chunk: MappedOrder[]): Promise<ChunkOutcome> {
    await this.orders.lockShop(tx, ctx.platform, ctx.shopId);
    const known = await this.orders.findKnownOrders(
      tx,
      ctx.platform,
      ctx.shopId,
      chunk.map((o) => o.platformOrderId),
    );
    const outcome: ChunkOutcome = { accepted: 0, updated: 0, unchanged: 0 };
    const writes: { order: MappedOrder; orderRef: string; pseudonym: string; fingerprint: string }[] = [];
    for (const order of chunk) {
      const fingerprint = this.fingerprint(order);
      const existing = known.get(order.platformOrderId);
      if (existing?.contentFingerprint === fingerprint) {
        outcome.unchanged++;
        continue;
      }
      if (existing) outcome.updated++;
      else outcome.accepted++;
      writes.push({
        order,
        orderRef: existing?.orderRef ?? randomUUID(),
        pseudonym: this.buyerPseudonym(ctx, order),
        fingerprint,
      });
    }
    if (writes.length === 0) return outcome;

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
        logisticsCompany: order.logisticsCompany,
        trackingNumber: order.trackingNumber,
        lines: order.lines,
        buyerPseudonym: pseudonym,
        // R1: kept sealed even when the platform masked it.
        buyerIdSealed: order.buyerId ? sealBuyerId(dataKey, orderRef, order.buyerId) : null,
        receiverSealed: sealReceiver(dataKey, orderRef, order.receiver),
        contentFingerprint: fingerprint,
        lastImportId: ctx.importId,
      };
    });
    await this.orders.upsertOrders(tx, records);
    for (const r of records) {
      // Non-identifying facts only: no receiver, no buyer id or pseudonym, no platform order id (R16).
      await addToOutbox<OrdersIngestedV1>(tx, TOPICS.ordersIngested, r.orderRef, {
        type: 'orders.ingested.v1',
        orderRef: r.orderRef,
        platform: r.platform,
        shopId: r.shopId,
        status: r.status,
        amountCents: r.amountCents,
        orderedAt: r.orderedAt.toISOString(),
        lines: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      });
    }
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

  /** Keyed, because the content includes the receiver: an unkeyed hash could confirm a guess. */
  private fingerprint(order: MappedOrder): string {
    return this.blindIndex.compute('orders:content', canonicalJson(order));
  }
}
