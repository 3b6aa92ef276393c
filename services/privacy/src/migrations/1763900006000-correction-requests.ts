import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A fourth request kind: correct a field from a fixed catalogue to a stated value (R14, PIPL Art. 46). */
export class CorrectionRequests1763900006000 implements MigrationInterface {
  name = 'CorrectionRequests1763900006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE data_subject_requests DROP CONSTRAINT data_subject_requests_kind_check');
    await q.query(
      `ALTER TABLE data_subject_requests ADD CONSTRAINT data_subject_requests_kind_check
         CHECK (kind IN ('access', 'erasure', 'withdraw_all', 'correct'))`,
    );
    await q.query(
      `ALTER TABLE data_subject_requests ADD COLUMN correction_field text, ADD COLUMN correction_value text,
         ADD CONSTRAINT data_subject_requests_correction_check
           CHECK ((kind = 'correct') = (correction_field IS NOT NULL AND correction_value IS NOT NULL))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM data_subject_requests WHERE kind = 'correct'`);
    await q.query(
      'ALTER TABLE data_subject_requests DROP COLUMN correction_field, DROP COLUMN correction_value',
    );
    await q.query('ALTER TABLE data_subject_requests DROP CONSTRAINT data_subject_requests_kind_check');
    await q.query(
      `ALTER TABLE data_subject_requests ADD CONSTRAINT data_subject_requests_kind_check
         CHECK (kind IN ('access', 'erasure', 'withdraw_all'))`,
    );
  }
}
