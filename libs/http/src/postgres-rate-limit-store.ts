import type { EntityManager } from 'typeorm';
import type { RateLimitDecision, RateLimitStore } from './rate-limit';

/**
 * Per-key budgets in a PostgreSQL table (key_hash text primary key, window_start timestamptz, hits
 * integer), so every process of a service counts against one budget (issue 14). A fixed window per
 * key: one atomic upsert counts the request and answers, on the database's clock (every process
 * agrees on the window). Keys are keyed hashes, never addresses. Each service owns its table (its own
 * schema and migration) and names it here.
 */
export class PostgresRateLimitStore implements RateLimitStore {
  constructor(
    private readonly db: EntityManager,
    private readonly table: string,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
  }

  async take(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    const [row] = await this.db.query(
      `INSERT INTO ${this.table} AS r (key_hash, window_start, hits)
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
      `DELETE FROM ${this.table} WHERE window_start < clock_timestamp() - make_interval(secs => $1::integer)`,
      [keepSeconds],
    );
    return Number(removed ?? 0);
  }
}
