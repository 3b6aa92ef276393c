import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-address budgets of the public request pages (/rights), shared by every privacy process (issue 14):
 * one fixed-window counter per keyed hash of the client address (R1: never the address), kept for two
 * windows at most. UNLOGGED: a counter lost in a crash only resets a budget, and it is written on every
 * public request, so it skips the WAL.
 */
export class RightsPageRateLimits1763900007200 implements MigrationInterface {
  name = 'RightsPageRateLimits1763900007200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE rights_page_rate_limits (
        key_hash text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL
      )`);
    await q.query(
      'CREATE INDEX rights_page_rate_limits_window_start ON rights_page_rate_limits (window_start)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rights_page_rate_limits');
  }
}
