import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-address budgets of the public customer pages, shared by every consent process (issue 14): one
 * fixed-window counter per keyed hash of the client address (R1: never the address), kept for two
 * windows at most. UNLOGGED: a counter needs no WAL write (nor its fsync) per page view, and a
 * database crash that empties it only hands every address a fresh budget.
 */
export class PageRateLimits1763900003400 implements MigrationInterface {
  name = 'PageRateLimits1763900003400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE page_rate_limits (
        key_hash text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL
      )`);
    await q.query('CREATE INDEX page_rate_limits_window_start ON page_rate_limits (window_start)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE page_rate_limits');
  }
}
