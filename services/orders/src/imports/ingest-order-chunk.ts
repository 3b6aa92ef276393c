import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TOPICS, type Platform } from '@siyu/contracts';
import { BlindIndex } from '@siyu/crypto';
import { copyPreparedToOutbox } from '@siyu/messaging';
import { BuyerDataKeys } from '../vault/buyer-data-keys';
import type { LookupDigest } from '../vault/receiver-lookup-index';
import { ReceiverLookupRepository } from '../vault/receiver-lookup.repository';
import type { ChunkOutcome } from './import-summary';
import { OrderRepository, type KnownOrder } from '../order-book/order.repository';
import { STATUS_RANK, type MappedOrder } from '../order-book/order';
import { orderDigests, type OrderDigests } from './order-digests';
import {
  packDataKeys,
  sealChunk,
  type ChunkWrite,
  type SealChunkTask,
  type SealedChunk,
} from './sealed-chunk';

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

/** Seals a chunk's orders and builds its COPY text (on a worker thread, or in-thread). */
export type ChunkSealer = (task: SealChunkTask) => Promise<SealedChunk>;

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

  /**
   * `seal` seals the chunk's orders and builds its COPY text: an import hands it to a worker
   * thread; by default (pushes, imports without workers) it runs on this thread.
   */
  async execute(
    tx: EntityManager,
    ctx: ChunkContext,
    chunk: PreparedOrder[],
    seal: ChunkSealer = async (task) => sealChunk(task),
  ): Promise<ChunkOutcome> {
    const now = await this.orders.lockShop(tx, ctx.platform, ctx.shopId);
    const known = await this.orders.findKnownOrders(
      tx,
      ctx.platform,
      ctx.shopId,
      chunk.map((p) => p.order.platformOrderId),
    );
    const outcome: ChunkOutcome = { accepted: 0, updated: 0, unchanged: 0, stale: 0, repeated: [] };
    const writes: ChunkWrite[] = [];
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
        order,
        row: prepared.row,
        fingerprint,
        pseudonym: prepared.pseudonym,
        lookup: prepared.lookup,
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
    // Sealing and COPY text: on an import's worker thread (inside this transaction), or here.
    const sealed = await seal({
      importId: ctx.importId,
      platform: ctx.platform,
      shopId: ctx.shopId,
      now: now.toISOString(),
      topic: TOPICS.ordersIngested,
      ...packDataKeys(keys),
      writes,
    });
    if (sealed.newOrderCount > 0) {
      const stored = await this.orders.copyNewOrderLines(tx, sealed.newOrders);
      if (stored !== sealed.newOrderCount)
        throw new Error(`order copy stored ${stored} of ${sealed.newOrderCount} rows`);
      // Their lookup rows (blind indexes, R16) in the same transaction as the sealed receivers.
      await this.lookup.copyIndexLinesOfNewOrders(tx, sealed.newLookupRows);
    }
    if (sealed.changed.length > 0) {
      await this.orders.rewriteChangedOrders(tx, sealed.changed);
      await this.lookup.replaceIndexes(
        tx,
        writes.filter((w) => w.known).map((w) => ({ orderRef: w.orderRef, digests: w.lookup })),
      );
    }
    // One orders.ingested.v1 per written order, non-identifying facts only (R16); the first is
    // checked against its contract, all come from one literal (the event PII scan test covers it).
    const events = await copyPreparedToOutbox(tx, sealed.outbox, sealed.firstEvent);
    if (events !== writes.length) throw new Error(`outbox copy stored ${events} of ${writes.length} events`);
    return outcome;
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
