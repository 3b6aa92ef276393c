import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * R20: every verification over the chains, scheduled (machine key) or on demand (an officer), with its
 * per-chain results, so a failure found at night is still shown in the morning.
 */
export class AuditChainRuns1763900007100 implements MigrationInterface {
  name = 'AuditChainRuns1763900007100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_chain_runs (
        id bigserial PRIMARY KEY,
        checked_at timestamptz NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('scheduled', 'on_demand')),
        intact boolean NOT NULL,
        results jsonb NOT NULL
      )`);
    await q.query('CREATE INDEX audit_chain_runs_latest ON audit_chain_runs (trigger, checked_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_chain_runs');
  }
}
