import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-shop retention (R17): shops without a row use the defaults (30 days, 1095 days). */
export class ShopRetentionSettings1763900000720 implements MigrationInterface {
  name = 'ShopRetentionSettings1763900000720';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE shop_retention_settings (
        shop_id text PRIMARY KEY,
        after_sales_days integer NOT NULL DEFAULT 30 CHECK (after_sales_days >= 0),
        record_retention_days integer NOT NULL DEFAULT 1095,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (record_retention_days >= after_sales_days)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE shop_retention_settings');
  }
}
