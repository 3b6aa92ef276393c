import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * R15: where an agency's next page starts. The cursor it holds is a random token; the subject ref it
 * stands for stays here, so pages follow the segment's index instead of sorting pseudonyms.
 */
export class ProcessorPageCursors1763900007310 implements MigrationInterface {
  name = 'ProcessorPageCursors1763900007310';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE processor_page_cursors (
        token uuid PRIMARY KEY,
        grant_id uuid NOT NULL,
        segment_id uuid NOT NULL,
        after_subject_ref uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX processor_page_cursors_age ON processor_page_cursors (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE processor_page_cursors');
  }
}
