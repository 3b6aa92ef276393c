import type { MigrationInterface, QueryRunner } from 'typeorm';

/** R15: grants privacy ended early; the processor routes refuse them from the moment they are recorded. */
export class ProcessorGrantEndings1763900007300 implements MigrationInterface {
  name = 'ProcessorGrantEndings1763900007300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE processor_grant_endings (
        grant_id uuid PRIMARY KEY,
        ended_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE processor_grant_endings');
  }
}
