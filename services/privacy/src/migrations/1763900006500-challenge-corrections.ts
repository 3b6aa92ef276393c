import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A customer's correction request waits on its code with the corrected value (R14). */
export class ChallengeCorrections1763900006500 implements MigrationInterface {
  name = 'ChallengeCorrections1763900006500';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE requester_challenges ADD COLUMN correction_value text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE requester_challenges DROP COLUMN correction_value');
  }
}
