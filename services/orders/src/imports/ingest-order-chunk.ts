import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrdersIngestedV1, TOPICS, type Platform } from '@siyu/contracts';
import { BlindIndex } from '@siyu/crypto';
import { copyManyToOutbox, type OutboxEntry } from '@siyu/messaging';
import { BuyerDataKeys } from '../vault/buyer-data-keys';
import type { LookupDigest } from '../vault/receiver-lookup-index';
import { ReceiverLookupRepository } from '../vault/receiver-lookup.repository';
import { sealBuyerId, sealReceiver } from '../vault/seal-receiver';
import type { ChunkOutcome } from './import-summary';
import { OrderRepository, type KnownOrder, type OrderRecord } from '../order-book/order.repository';
import { STATUS_RANK, type MappedOrder } from '../order-book/order';
import { orderDigests, type OrderDigests } from './order-digests';

export { contentJson } from './order-digests';

/** An order with what can be computed before its transaction (so it overlaps the previous chunk's writes). */
export interface PreparedOrder {
  order: MappedOrder;
  fingerprint: string;
  pseudonym: string;
  /** After-sales lookup digests of its receiver and buyer id (R16). */
  lookup: LookupDigest[];
  /** The file row the order was read from (imports; pushes have none). */
  row: number | null;
}

export interface ChunkContext {
  importId: string;
  platform: Platform;
  shopId: string;
}

type Write = PreparedOrder & { orderRef: string; known: boolean };

/**
 * Stores one chunk of mapped orders in the caller's transaction (STYLE rule 4): sealed rows, new
 * data keys, lookup rows and one `orders.ingested.v1` event per new or changed order commit
 * together. A known order is rewritten only by an update that is not older than what is stored.
 */
@Injectable()
export class IngestOrderChunk {
  constructor(
    private readonly orders: OrderRepository,
    private readonly dataKeys: BuyerDataKeys,
    private readonly blindIndex: BlindIndex,
    private readonly lookup: ReceiverLookupRepository,
  ) {}

  /**
   * Keyed fingerprint, buyer pseudonym and lookup digests of an order: CPU only, no database.
   * `digests` computed already (on an import's worker thread) are taken as they are.
   */
  prepare(
    ctx: ChunkContext,
    order: MappedOrder,
    row: number | null = null,
    digests: OrderDigests = orderDigests(this.blindIndex, ctx, order),
  ): PreparedOrder {
    return { order, row, ...digests };
  }

  async execute(tx: EntityManager, ctx: ChunkContext, chunk: PreparedOrder[]): Promise<ChunkOutcome> {
    const now = await this.orders.lockShop(tx, ctx.platform, ctx.shopId);
    const known = await this.orders.findKnownOrders(
      tx,
      ctx.platform,
      ctx.shopId,
      chunk.map((p) => p.order.platformOrderId),
    );
    const outcome: ChunkOutcome = { accepted: 0, updated: 0, unchanged: 0, stale: 0, repeated: [] };
    const writes: Write[] = [];
    const unchanged: { orderRef: string; row: number | null; sourceModifiedAt: Date | null }[] = [];
    for (const prepared of chunk) {
      const { order, fingerprint } = prepared;
      const existing = known.get(order.platformOrderId);
      // Stored by an earlier chunk of this very file: a repeated row, not an update (issue §9).
      if (existing && prepared.row !== null && existing.lastImportId === ctx.importId) {
        outcome.repeated!.push({ row: prepared.row, firstRow: existing.lastImportRow });
        continue;
      }
      if (existing && isOlderThanStored(order, existing)) {
        outcome.stale++;
        continue;
      }
      if (existing?.contentFingerprint === fingerprint) {
        outcome.unchanged++;
        unchanged.push({
          orderRef: existing.orderRef,
          row: prepared.row,
          sourceModifiedAt: order.sourceModifiedAt ?? null,
        });
        continue;
      }
      if (existing) outcome.updated++;
      else outcome.accepted++;
      writes.push({
        ...prepared,
        orderRef: existing?.orderRef ?? randomUUID(),
        known: existing !== undefined,
      });
    }
    await this.orders.markUnchanged(tx, ctx.importId, unchanged);
    if (writes.length === 0) return outcome;

    // One data key per distinct buyer of the chunk: fetched (or created) once, used for all their orders.
    const keys = await this.dataKeys.forBuyers(
      tx,
      writes.map((w) => w.pseudonym),
    );
    const fresh = writes.filter((w) => !w.known);
    const changed = writes.filter((w) => w.known);
    // New orders stream to PostgreSQL through COPY, each sealed as the stream pulls it: the server
    // stores one block while Node seals the next. Their lookup rows follow (same transaction, R16).
    const sealedFresh: {
      orderRef: string;
      digests: LookupDigest[];
      receiverSealed: string;
      buyerIdSealed: string | null;
    }[] = [];
    const seal = (w: Write) => this.sealedRecord(ctx, w, keys.get(w.pseudonym)!);
    async function* freshRecords(): AsyncGenerator<OrderRecord> {
      for (const w of fresh) {
        const record = seal(w);
        sealedFresh.push({
          orderRef: w.orderRef,
          digests: w.lookup,
          receiverSealed: record.receiverSealed,
          buyerIdSealed: record.buyerIdSealed,
        });
        yield record;
      }
    }
    if (fresh.length > 0) {
      const stored = await this.orders.copyNewOrders(tx, freshRecords(), now);
      if (stored !== fresh.length) throw new Error(`order copy stored ${stored} of ${fresh.length} rows`);
      await this.lookup.copyIndexesOfNewOrders(tx, sealedFresh);
    }
    if (changed.length > 0) {
      await this.orders.rewriteChangedOrders(
        tx,
        changed.map((w) => this.sealedRecord(ctx, w, keys.get(w.pseudonym)!)),
      );
      // After-sales lookup rows (blind indexes, R16) in the same transaction as the sealed receivers.
      await this.lookup.replaceIndexes(
        tx,
        changed.map((w) => ({ orderRef: w.orderRef, digests: w.lookup })),
      );
    }
    // Non-identifying facts only: no receiver, no buyer id or pseudonym, no platform order id (R16).
    const events = writes.map(({ order, orderRef }): OutboxEntry<OrdersIngestedV1> => ({
      topic: TOPICS.ordersIngested,
      key: orderRef,
      event: {
        type: 'orders.ingested.v1',
        orderRef,
        platform: ctx.platform,
        shopId: ctx.shopId,
        status: order.status,
        amountCents: order.amountCents,
        orderedAt: order.orderedAt.toISOString(),
        lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      },
    }));
    // Every event here comes from the literal above; the event PII scan test covers its members.
    await copyManyToOutbox<OrdersIngestedV1>(tx, events, { validate: 'first-of-each-type' });
    return outcome;
  }

  private sealedRecord(
    ctx: ChunkContext,
    w: PreparedOrder & { orderRef: string },
    dataKey: Buffer,
  ): OrderRecord {
    const { order, orderRef } = w;
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
      buyerPseudonym: w.pseudonym,
      // R1: kept sealed even when the platform masked it.
      buyerIdSealed: order.buyerId ? sealBuyerId(dataKey, orderRef, order.buyerId) : null,
      receiverSealed: sealReceiver(dataKey, orderRef, order.receiver),
      contentFingerprint: w.fingerprint,
      lastImportId: ctx.importId,
      lastImportRow: w.row,
      sourceModifiedAt: order.sourceModifiedAt ?? null,
    };
  }
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
