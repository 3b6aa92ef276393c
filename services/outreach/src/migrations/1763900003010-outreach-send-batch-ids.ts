import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The vendor call that carried a send (Aliyun OutId / Tencent SessionContext): reconcile and receipts match by it. */
export class OutreachSendBatchIds1763900003010 implements MigrationInterface {
  name = 'OutreachSendBatchIds1763900003010';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sends ADD COLUMN batch_id text');
    await q.query(
      'CREATE INDEX sends_vendor_message ON sends (vendor, vendor_message_id) WHERE vendor_message_id IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX sends_vendor_message');
    await q.query('ALTER TABLE sends DROP COLUMN batch_id');
  }
}
