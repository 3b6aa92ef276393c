import type { EntityManager } from 'typeorm';
import type { RateLimitDecision, RateLimitStore } from '@siyu/http';

/**
 * The public request pages' per-address budgets in PostgreSQL, so every privacy process counts against
 * one budget (issue 14). A fixed window per key: one atomic upsert counts the request and answers, on
 * the database's clock (every process agrees on the window). Keys are keyed hashes, never addresses.
 */
export class RightsPageRateLimitRepository implements RateLimitStore {
  constructor(private readonly db: EntityManager) {}

  async take(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    const [row] = await this.db.query(
      `INSERT INTO rights_page_rate_limits AS r (key_hash, window_start, hits)
       VALUES ($1, to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2::integer) * $2::integer), 1)
       ON CONFLICT (key_hash) DO UPDATE
         SET hits = CASE WHEN r.window_start >= EXCLUDED.window_start THEN r.hits + 1 ELSE 1 END,
             window_start = GREATEST(r.window_start, EXCLUDED.window_start)
       RETURNING hits,
         extract(epoch FROM window_start + make_interval(secs => $2::integer) - clock_timestamp()) AS remaining`,
      [key, windowSeconds],
    );
    const count = Number(row.hits);
    return {
      allowed: count <= limit,
      count,
      retryAfterSeconds: Math.max(1, Math.ceil(Number(row.remaining))),
    };
  }

  /** Forgets every window that ended more than `keepSeconds` ago; returns how many were removed. */
  async purgeOlderThan(keepSeconds: number): Promise<number> {
    const [, removed] = await this.db.query(
      'DELETE FROM rights_page_rate_limits WHERE window_start < clock_timestamp() - make_interval(secs => $1::integer)',
      [keepSeconds],
    );
    return Number(removed ?? 0);
  }
}
