import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { asSealed, KeyRing, open } from '@siyu/crypto';
import { IngestOrderChunk } from '../imports/ingest-order-chunk';
import { ORDERS_DB } from '../orders.options';
import type { MappedOrder } from '../order-book/order';
import { OrderPushRepository, type PendingOrderPush } from './order-push.repository';
import { OrderPushError } from './order-pushes.errors';
import { mapPushMessage } from './platform-pushes';
import { describePiiReport, scanPushForPii, type PushPiiReport } from './push-pii-scan';

/** A push that keeps failing for another reason than its body is given up after this many tries. */
export const MAX_PUSH_ATTEMPTS = 5;

/**
 * Pushes claimed per transaction. One push per transaction kept the processor at ~290 pushes/s on
 * an idle machine and ~30/s under load, far below what the endpoint accepts (docs/reliability.md
 * §6): the fixed cost of a chunk (shop lock, known-order read, data keys, COPY) was paid per push.
 */
export const PUSH_BATCH = 100;

interface OpenedPush {
  push: PendingOrderPush;
  unmaskedPii: PushPiiReport | null;
  order?: MappedOrder;
  error?: unknown;
}

/**
 * Drains the push queue through the file importer's path (IngestOrderChunk): sealed receivers,
 * buyer data keys and `orders.ingested.v1` in the same transaction as marking the push done, so
 * a re-sent push or an order already imported never duplicates and an older update never wins.
 * Up to PUSH_BATCH pushes per transaction, one chunk per shop; a push whose order is already in the
 * batch waits for the next one (so two updates of an order apply in arrival order), and a chunk that
 * fails is retried push by push, so only the push at fault is recorded as failed. SKIP LOCKED lets
 * several processors share the queue.
 */
@Injectable()
export class ProcessOrderPushes {
  private readonly logger = new Logger('OrderPushes');

  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly pushes: OrderPushRepository,
    private readonly ingestChunk: IngestOrderChunk,
    private readonly keyRing: KeyRing,
  ) {}

  /**
   * Processes every push queued and not held by another processor; returns how many it took.
   * `stop` is asked before each batch: a shutdown ends the pass after the batch in hand (its
   * transaction), and the rest stay queued for the next start. Without it a stop waited for the whole
   * backlog: after 10 minutes of sustained pushes, over 20 minutes (docs/reliability.md §6).
   */
  async processPending(stop: () => boolean = () => false, batch = PUSH_BATCH): Promise<number> {
    let taken = 0;
    for (;;) {
      if (stop()) return taken;
      const n = await this.ds.transaction((tx) => this.processBatch(tx, batch));
      if (n === 0) return taken;
      taken += n;
    }
  }

  private async processBatch(tx: EntityManager, limit: number): Promise<number> {
    const claimed = await this.pushes.claimPending(tx, limit);
    const byShop = new Map<string, OpenedPush[]>();
    const ordersInBatch = new Set<string>();
    let done = 0;
    for (const push of claimed) {
      const opened = this.open(push);
      if (!opened.order) {
        await this.recordFailure(tx, push, opened.error, opened.unmaskedPii);
        done++;
        continue;
      }
      const shop = `${push.platform}\u0000${push.shopId}`;
      const key = `${shop}\u0000${opened.order.platformOrderId}`;
      // A later push of an order already in this batch: left queued (its lock ends with this
      // transaction) and taken by the next batch, after this one's update is stored.
      if (ordersInBatch.has(key)) continue;
      ordersInBatch.add(key);
      if (!byShop.has(shop)) byShop.set(shop, []);
      byShop.get(shop)!.push(opened);
    }
    for (const group of byShop.values()) {
      const { platform, shopId } = group[0].push;
      // The chunk's import id (kept on the orders it writes) is its first push.
      const ctx = { importId: group[0].push.id, platform, shopId };
      await tx.query('SAVEPOINT ingest_pushes');
      try {
        await this.ingestChunk.execute(
          tx,
          ctx,
          group.map((g) => this.ingestChunk.prepare(ctx, g.order!)),
        );
        await tx.query('RELEASE SAVEPOINT ingest_pushes');
        await this.pushes.markProcessedMany(
          tx,
          group.map((g) => ({ id: g.push.id, unmaskedPii: g.unmaskedPii })),
        );
      } catch {
        await tx.query('ROLLBACK TO SAVEPOINT ingest_pushes');
        // One at a time, so only the push at fault is recorded as failed.
        for (const g of group) await this.processOne(tx, g.push);
      }
      done += group.length;
    }
    return done;
  }

  /** Unseals, scans (R1) and maps a push: CPU only. */
  private open(push: PendingOrderPush): OpenedPush {
    let unmaskedPii: PushPiiReport | null = null;
    try {
      const body = open(
        this.keyRing.unwrap(push.bodyKey),
        asSealed(push.bodySealed),
        `order-push:${push.id}`,
      );
      // R1: every field is scanned, kept or not, as file imports scan every column; the report
      // (field, kinds, count) is stored with the outcome even when the push fails to map.
      unmaskedPii = scanPushForPii(body);
      if (Object.keys(unmaskedPii).length > 0)
        this.logger.warn(
          `push ${push.id} (${push.platform}) carried unmasked personal data: ${describePiiReport(unmaskedPii)}`,
        );
      return { push, unmaskedPii, order: mapPushMessage(push.platform, body) };
    } catch (error) {
      return { push, unmaskedPii, error };
    }
  }

  /** One push alone, in a savepoint that keeps the claim (and the row lock) when ingest fails. */
  private async processOne(tx: EntityManager, push: PendingOrderPush): Promise<void> {
    const opened = this.open(push);
    if (!opened.order) return this.recordFailure(tx, push, opened.error, opened.unmaskedPii);
    await tx.query('SAVEPOINT ingest_push');
    try {
      const ctx = { importId: push.id, platform: push.platform, shopId: push.shopId };
      await this.ingestChunk.execute(tx, ctx, [this.ingestChunk.prepare(ctx, opened.order)]);
      await tx.query('RELEASE SAVEPOINT ingest_push');
      await this.pushes.markProcessed(tx, push.id, null, opened.unmaskedPii);
    } catch (err) {
      await tx.query('ROLLBACK TO SAVEPOINT ingest_push');
      await this.recordFailure(tx, push, err, opened.unmaskedPii);
    }
  }

  private async recordFailure(
    tx: EntityManager,
    push: PendingOrderPush,
    err: unknown,
    unmaskedPii: PushPiiReport | null,
  ): Promise<void> {
    // Only codes and our own messages: a driver error's detail could quote a value (R1).
    const reason = err instanceof OrderPushError ? `${err.code}: ${err.message}` : describe(err);
    this.logger.warn(`push ${push.id} (${push.platform}) failed: ${reason}`);
    if (err instanceof OrderPushError || push.attempts + 1 >= MAX_PUSH_ATTEMPTS)
      await this.pushes.markProcessed(tx, push.id, reason, unmaskedPii);
    else await this.pushes.recordFailedAttempt(tx, push.id, reason, unmaskedPii);
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${err.name} ${code}` : err.name;
}
