import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A privacy officer's lookups of one phone for a verified request (R14): who, why, what it found — never the phone. */
export class SubjectLookups1763900006400 implements MigrationInterface {
  name = 'SubjectLookups1763900006400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subject_lookups (
        id uuid PRIMARY KEY,
        requested_by text NOT NULL,
        purpose text NOT NULL,
        reference text NOT NULL,
        requested_at timestamptz NOT NULL,
        answered_at timestamptz,
        subject_ref uuid
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE subject_lookups');
  }
}
