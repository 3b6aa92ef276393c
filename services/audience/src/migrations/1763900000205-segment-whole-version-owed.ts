import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * segments.whole_owed: members were deleted from the segment's current version outside a refresh
 * (personalisation off, a category closed, facts revoked: R10/R11), so no version or change told
 * consumers. The next refresh publishes the whole version, even if its evaluation changes nothing.
 */
export class SegmentWholeVersionOwed1763900000205 implements MigrationInterface {
  name = 'SegmentWholeVersionOwed1763900000205';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE segments ADD COLUMN whole_owed boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE segments DROP COLUMN whole_owed');
  }
}
