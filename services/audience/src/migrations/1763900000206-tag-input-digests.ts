import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * member_tags.inputs_digest: a 64-bit digest of what a tag row's lineage (`inputs`) was built from
 * (the facts and releases of a fact tag, the tag values and features of a model tag, the model
 * version and features of a prediction tag). The refresh compares values and digests first and
 * builds the lineage JSON only for rows that changed (docs/benchmarks.md, issue 10). Rows written
 * before it have none: their next refresh writes them once.
 */
export class TagInputDigests1763900000206 implements MigrationInterface {
  name = 'TagInputDigests1763900000206';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE member_tags ADD COLUMN inputs_digest bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE member_tags DROP COLUMN inputs_digest');
  }
}
