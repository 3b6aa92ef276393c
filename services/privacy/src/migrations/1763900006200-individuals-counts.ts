import type { MigrationInterface, QueryRunner } from 'typeorm';

/** R19: each count of distinct individuals, and each service's answer to it (counts only). */
export class IndividualsCounts1763900006200 implements MigrationInterface {
  name = 'IndividualsCounts1763900006200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE individuals_counts (
        id uuid PRIMARY KEY,
        started_at timestamptz NOT NULL,
        started_by text NOT NULL,
        services text[] NOT NULL
      )`);
    await q.query('CREATE INDEX individuals_counts_started ON individuals_counts (started_at DESC)');
    await q.query(`
      CREATE TABLE individuals_count_answers (
        count_id uuid NOT NULL REFERENCES individuals_counts (id),
        service text NOT NULL,
        populations jsonb NOT NULL,
        answered_at timestamptz NOT NULL,
        PRIMARY KEY (count_id, service)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE individuals_count_answers, individuals_counts');
  }
}
