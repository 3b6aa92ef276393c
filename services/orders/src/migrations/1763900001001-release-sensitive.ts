import type { MigrationInterface, QueryRunner } from 'typeorm';

/** R2: whether the consent behind a release also covered sensitive profiling. */
export class ReleaseSensitive1763900001001 implements MigrationInterface {
  name = 'ReleaseSensitive1763900001001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE fact_releases ADD COLUMN sensitive_allowed boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE fact_releases DROP COLUMN sensitive_allowed');
  }
}
