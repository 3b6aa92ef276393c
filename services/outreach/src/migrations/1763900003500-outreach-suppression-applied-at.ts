import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each withdrawal took effect here (the send gate refuses from then on): with the ledger's
 * effective time it gives the privacy officer the time-to-suppression of every withdrawal (R9,
 * invariant 4), durably, not only in a process's metrics. Rows from before stay NULL (not measured).
 */
export class OutreachSuppressionAppliedAt1763900003500 implements MigrationInterface {
  name = 'OutreachSuppressionAppliedAt1763900003500';

  async up(q: QueryRunner): Promise<void> {
    // Two steps, so existing rows keep NULL instead of the migration's own time.
    await q.query('ALTER TABLE suppressions ADD COLUMN applied_at timestamptz');
    await q.query('ALTER TABLE suppressions ALTER COLUMN applied_at SET DEFAULT clock_timestamp()');
    await q.query('CREATE INDEX suppressions_applied_at ON suppressions (applied_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE suppressions DROP COLUMN applied_at');
  }
}
