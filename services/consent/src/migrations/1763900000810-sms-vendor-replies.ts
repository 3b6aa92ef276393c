import type { MigrationInterface, QueryRunner } from 'typeorm';

/** R9: inbound SMS replies now arrive from real vendors; keep which vendor and which signature. */
export class SmsVendorReplies1763900000810 implements MigrationInterface {
  name = 'SmsVendorReplies1763900000810';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sms_inbound ADD COLUMN vendor text NOT NULL DEFAULT 'sandbox'`);
    await q.query('ALTER TABLE sms_inbound ADD COLUMN sign_name text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sms_inbound DROP COLUMN sign_name, DROP COLUMN vendor');
  }
}
