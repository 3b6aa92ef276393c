import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The platform an order was placed on, from the release event's optional `platform` (NULL: not sent). */
export class ReleasedFactPlatform1763900000204 implements MigrationInterface {
  name = 'ReleasedFactPlatform1763900000204';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE released_facts ADD COLUMN platform text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE released_facts DROP COLUMN platform');
  }
}
