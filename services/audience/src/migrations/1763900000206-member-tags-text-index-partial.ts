import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * member_tags_text indexes only rows with a text value. Most tags are numbers (counts, spending,
 * scores, model tags), and every one of their rows still took an entry with a NULL key in this
 * index: one index write in three for each tag row a refresh inserts or changes (the bench's 10,000
 * member refresh rewrites ~30,000 tag rows). Every text comparison the rule compiler writes (`=`,
 * `<>`, `IN`, `NOT IN` on value_text) implies a value, so the partial index still serves it; tag
 * presence (`tag_key = …` alone) is served by member_tags_num, which stays whole.
 */
export class MemberTagsTextIndexPartial1763900000206 implements MigrationInterface {
  name = 'MemberTagsTextIndexPartial1763900000206';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX member_tags_text');
    await q.query(
      'CREATE INDEX member_tags_text ON member_tags (tag_key, value_text, subject_ref) WHERE value_text IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX member_tags_text');
    await q.query('CREATE INDEX member_tags_text ON member_tags (tag_key, value_text, subject_ref)');
  }
}
