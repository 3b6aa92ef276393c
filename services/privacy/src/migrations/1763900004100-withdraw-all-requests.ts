import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A third request kind: withdraw every consent (R9, R14). */
export class WithdrawAllRequests1763900004100 implements MigrationInterface {
  name = 'WithdrawAllRequests1763900004100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE data_subject_requests DROP CONSTRAINT data_subject_requests_kind_check');
    await q.query(
      `ALTER TABLE data_subject_requests ADD CONSTRAINT data_subject_requests_kind_check
         CHECK (kind IN ('access', 'erasure', 'withdraw_all'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE data_subject_requests DROP CONSTRAINT data_subject_requests_kind_check');
    await q.query(
      `ALTER TABLE data_subject_requests ADD CONSTRAINT data_subject_requests_kind_check
         CHECK (kind IN ('access', 'erasure'))`,
    );
  }
}
