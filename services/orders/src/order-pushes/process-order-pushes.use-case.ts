import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { asSealed, KeyRing, open } from '@siyu/crypto';
import { IngestOrderChunk } from '../imports/ingest-order-chunk';
import { ORDERS_DB } from '../orders.options';
import { OrderPushRepository, type PendingOrderPush } from './order-push.repository';
import { OrderPushError } from './order-pushes.errors';
import { mapPushMessage } from './platform-pushes';
import { describePiiReport, scanPushForPii, type PushPiiReport } from './push-pii-scan';

/** A push that keeps failing for another reason than its body is given up after this many tries. */
export const MAX_PUSH_ATTEMPTS = 5;

/**
 * Drains the push queue through the file importer's path (IngestOrderChunk): sealed receivers,
 * buyer data keys and `orders.ingested.v1` in the same transaction as marking the push done, so
 * a re-sent push or an order already imported never duplicates and an older update never wins.
 * One push per transaction; SKIP LOCKED lets several processors share the queue.
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
   * `stop` is asked before each push: a shutdown ends the pass after the push in hand (its
   * transaction), and the rest stay queued for the next start. Without it a stop waited for the whole
   * backlog: after 10 minutes of sustained pushes, over 20 minutes (docs/reliability.md §6).
   */
  async processPending(stop: () => boolean = () => false): Promise<number> {
    let taken = 0;
    while (!stop() && (await this.ds.transaction((tx) => this.processNext(tx)))) taken++;
    return taken;
  }

  private async processNext(tx: EntityManager): Promise<boolean> {
    const push = await this.pushes.claimNextPending(tx);
    if (!push) return false;
    let unmaskedPii: PushPiiReport | null = null;
    // A savepoint keeps the claim (and the row lock) when ingest fails, so the failure is recorded.
    await tx.query('SAVEPOINT ingest_push');
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
      await this.ingest(tx, push, body);
      await tx.query('RELEASE SAVEPOINT ingest_push');
      await this.pushes.markProcessed(tx, push.id, null, unmaskedPii);
    } catch (err) {
      await tx.query('ROLLBACK TO SAVEPOINT ingest_push');
      // Only codes and our own messages: a driver error's detail could quote a value (R1).
      const reason = err instanceof OrderPushError ? `${err.code}: ${err.message}` : describe(err);
      this.logger.warn(`push ${push.id} (${push.platform}) failed: ${reason}`);
      if (err instanceof OrderPushError || push.attempts + 1 >= MAX_PUSH_ATTEMPTS)
        await this.pushes.markProcessed(tx, push.id, reason, unmaskedPii);
      else await this.pushes.recordFailedAttempt(tx, push.id, reason, unmaskedPii);
    }
    return true;
  }

  private async ingest(tx: EntityManager, push: PendingOrderPush, body: string): Promise<void> {
    const order = mapPushMessage(push.platform, body);
    const ctx = { importId: push.id, platform: push.platform, shopId: push.shopId };
    await this.ingestChunk.execute(tx, ctx, [this.ingestChunk.prepare(ctx, order)]);
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${err.name} ${code}` : err.name;
}
