import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Which subject's consent released which buyer's facts (invariant 2); revoked on withdrawal. */
export class FactReleases1763900001000 implements MigrationInterface {
  name = 'FactReleases1763900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fact_releases (
        release_id uuid PRIMARY KEY,
        subject_ref uuid NOT NULL,
        brand_id text NOT NULL,
        buyer_pseudonym text NOT NULL,
        active boolean NOT NULL,
        ledger_seq bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        UNIQUE (subject_ref, buyer_pseudonym)
      )`);
    await q.query('CREATE INDEX fact_releases_buyer ON fact_releases (buyer_pseudonym) WHERE active');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE fact_releases');
  }
}
