import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Purchase facts released by orders under a consent (invariant 2); deleted when it is revoked (R10). */
export class ReleasedFacts1763900000201 implements MigrationInterface {
  name = 'ReleasedFacts1763900000201';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE released_facts (
        release_id uuid NOT NULL,
        order_ref uuid NOT NULL,
        subject_ref uuid NOT NULL,
        status text NOT NULL,
        amount_cents bigint NOT NULL,
        ordered_at timestamptz NOT NULL,
        skus text[] NOT NULL,
        PRIMARY KEY (release_id, order_ref)
      )`);
    await q.query('CREATE INDEX released_facts_subject ON released_facts (subject_ref)');
    // A revoked release stays revoked even if an older release event is redelivered late.
    await q.query(
      'CREATE TABLE revoked_releases (release_id uuid PRIMARY KEY, revoked_at timestamptz NOT NULL DEFAULT now())',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE revoked_releases, released_facts');
  }
}
