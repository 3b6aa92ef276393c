import type { MigrationInterface, QueryRunner } from 'typeorm';

/** R11: the tag categories a customer closed in the preference centre (the latest choice per subject). */
export class TagCategoryChoices1763900002300 implements MigrationInterface {
  name = 'TagCategoryChoices1763900002300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tag_category_choices (
        subject_ref uuid PRIMARY KEY,
        brand_id text NOT NULL,
        closed_categories text[] NOT NULL,
        changed_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tag_category_choices');
  }
}
