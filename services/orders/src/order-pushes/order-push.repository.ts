import { Inject, Injectable } from '@nestjs/common';
import { rememberNonce } from '@siyu/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { ORDERS_DB } from '../orders.options';
import type { Platform } from '@siyu/contracts';
import type { PushPiiReport } from './push-pii-scan';

export interface NewOrderPush {
  id: string;
  platform: Platform;
  shopId: string;
  pushId: string;
  bodySealed: string;
  bodyKey: string;
}

export interface PendingOrderPush {
  id: string;
  platform: Platform;
  shopId: string;
  bodySealed: string;
  bodyKey: string;
  attempts: number;
}

/** What ops see of a push: its outcome and where it carried unmasked PII — nothing of its content. */
export interface OrderPushStatus {
  platform: Platform;
  shopId: string;
  pushId: string;
  receivedAt: string;
  processedAt: string | null;
  attempts: number;
  error: string | null;
  /** Null until the push was opened by the processor. */
  unmaskedPii: PushPiiReport | null;
}

/** The push queue and its replay guard: the only SQL of the webhooks feature. */
@Injectable()
export class OrderPushRepository {
  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  /** False when the nonce was seen inside its lifetime (a replay). Sweeps a few expired ones. */
  rememberNonce(tx: EntityManager, scope: string, nonce: string, lifetimeSeconds: number): Promise<boolean> {
    return rememberNonce(tx, 'order_push_nonces', scope, nonce, lifetimeSeconds);
  }

  /** Queues the pushes not seen before; a message id already queued is a platform retry. */
  async queueNewPushes(tx: EntityManager, pushes: NewOrderPush[]): Promise<number> {
    if (pushes.length === 0) return 0;
    const rows: unknown[] = await tx.query(
      `INSERT INTO order_pushes (id, platform, shop_id, push_id, body_sealed, body_key)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (platform, shop_id, push_id) DO NOTHING
       RETURNING id`,
      [
        pushes.map((p) => p.id),
        pushes.map((p) => p.platform),
        pushes.map((p) => p.shopId),
        pushes.map((p) => p.pushId),
        pushes.map((p) => p.bodySealed),
        pushes.map((p) => p.bodyKey),
      ],
    );
    return rows.length;
  }

  /** The oldest unprocessed pushes no other processor holds (at most `limit`), locked for the caller's transaction, oldest first. */
  async claimPending(tx: EntityManager, limit: number): Promise<PendingOrderPush[]> {
    const rows = (await tx.query(
      `SELECT id, platform, shop_id, body_sealed, body_key, attempts FROM order_pushes
       WHERE processed_at IS NULL ORDER BY received_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    )) as {
      id: string;
      platform: Platform;
      shop_id: string;
      body_sealed: string;
      body_key: string;
      attempts: number;
    }[];
    return rows.map((row) => ({
      id: row.id,
      platform: row.platform,
      shopId: row.shop_id,
      bodySealed: row.body_sealed,
      bodyKey: row.body_key,
      attempts: row.attempts,
    }));
  }

  /** Done (or given up, with its error): the sealed body and its key go, so nothing personal stays in the queue. */
  async markProcessed(
    tx: EntityManager,
    id: string,
    error: string | null,
    unmaskedPii: PushPiiReport | null,
  ): Promise<void> {
    await this.markProcessedMany(tx, [{ id, error, unmaskedPii }]);
  }

  /** Several pushes done at once (ingested together), each with its own error (if given up) and PII report. */
  async markProcessedMany(
    tx: EntityManager,
    done: { id: string; error?: string | null; unmaskedPii: PushPiiReport | null }[],
  ): Promise<void> {
    if (done.length === 0) return;
    await tx.query(
      `UPDATE order_pushes p SET processed_at = now(), body_sealed = NULL, body_key = NULL, error = v.error,
         attempts = attempts + 1, unmasked_pii = coalesce(v.pii, p.unmasked_pii)
         FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS v (id, error, pii) WHERE p.id = v.id`,
      [
        done.map((d) => d.id),
        done.map((d) => d.error ?? null),
        done.map((d) => d.unmaskedPii && JSON.stringify(d.unmaskedPii)),
      ],
    );
  }

  /** A failed attempt that will be retried; the body stays sealed until it succeeds or is given up. */
  async recordFailedAttempt(
    tx: EntityManager,
    id: string,
    error: string,
    unmaskedPii: PushPiiReport | null,
  ): Promise<void> {
    await tx.query(
      `UPDATE order_pushes SET attempts = attempts + 1, error = $2,
         unmasked_pii = coalesce($3::jsonb, unmasked_pii) WHERE id = $1`,
      [id, error, unmaskedPii && JSON.stringify(unmaskedPii)],
    );
  }

  /** A shop's pushes, newest first; optionally one message id, or only those that carried unmasked PII. */
  async listStatus(filter: {
    platform: Platform;
    shopId: string;
    pushId?: string;
    withUnmaskedPii: boolean;
    limit: number;
  }): Promise<OrderPushStatus[]> {
    const rows: {
      platform: Platform;
      shop_id: string;
      push_id: string;
      received_at: Date;
      processed_at: Date | null;
      attempts: number;
      error: string | null;
      unmasked_pii: PushPiiReport | null;
    }[] = await this.ds.query(
      `SELECT platform, shop_id, push_id, received_at, processed_at, attempts, error, unmasked_pii
         FROM order_pushes
        WHERE platform = $1 AND shop_id = $2 AND ($3::text IS NULL OR push_id = $3)
          AND (NOT $4 OR unmasked_pii <> '{}'::jsonb)
        ORDER BY received_at DESC, id LIMIT $5`,
      [filter.platform, filter.shopId, filter.pushId ?? null, filter.withUnmaskedPii, filter.limit],
    );
    return rows.map((r) => ({
      platform: r.platform,
      shopId: r.shop_id,
      pushId: r.push_id,
      receivedAt: new Date(r.received_at).toISOString(),
      processedAt: r.processed_at ? new Date(r.processed_at).toISOString() : null,
      attempts: r.attempts,
      error: r.error,
      unmaskedPii: r.unmasked_pii,
    }));
  }
}
