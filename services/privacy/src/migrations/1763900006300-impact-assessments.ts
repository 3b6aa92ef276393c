import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The PIPIA register (PIPL Arts. 55–56, R18): one row per assessment, kept three years. */
export class ImpactAssessments1763900006300 implements MigrationInterface {
  name = 'ImpactAssessments1763900006300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE impact_assessments (
        id uuid PRIMARY KEY,
        subject_key text NOT NULL,
        summary text NOT NULL,
        risks text NOT NULL,
        measures text NOT NULL,
        conclusion text NOT NULL CHECK (conclusion IN ('acceptable', 'acceptable_with_measures', 'not_acceptable')),
        assessed_by text NOT NULL,
        assessed_at timestamptz NOT NULL,
        keep_until timestamptz NOT NULL
      )`);
    await q.query(
      'CREATE INDEX impact_assessments_subject ON impact_assessments (subject_key, assessed_at DESC)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE impact_assessments');
  }
}
