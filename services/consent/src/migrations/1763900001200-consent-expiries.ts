import type { MigrationInterface, QueryRunner } from 'typeorm';

/** R20 §2: grants that lapse (e.g. with a membership) and the job's progress through them. */
export class ConsentExpiries1763900001200 implements MigrationInterface {
  name = 'ConsentExpiries1763900001200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consent_expiries (
        id bigserial PRIMARY KEY,
        brand_id text NOT NULL,
        subject_ref uuid NOT NULL,
        purposes text[] NOT NULL,
        channels text[] NOT NULL,
        expires_at timestamptz NOT NULL,
        ledger_seq bigint NOT NULL UNIQUE,
        done_at timestamptz
      )`);
    await q.query('CREATE INDEX consent_expiries_due ON consent_expiries (expires_at) WHERE done_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE consent_expiries');
  }
}
