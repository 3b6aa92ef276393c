import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention settings per platform shop: shop ids are the platform's own, so Tmall shop "123" and
 * JD shop "123" are different shops (platform agreements are keyed the same way). A setting saved
 * before applied to that shop id on every platform; it is kept so, one row per platform.
 */
export class ShopRetentionPerPlatform1763900001330 implements MigrationInterface {
  name = 'ShopRetentionPerPlatform1763900001330';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE shop_retention_settings RENAME TO shop_retention_settings_old');
    await q.query(`
      CREATE TABLE shop_retention_settings (
        platform text NOT NULL,
        shop_id text NOT NULL,
        after_sales_days integer NOT NULL DEFAULT 30 CHECK (after_sales_days >= 0),
        record_retention_days integer NOT NULL DEFAULT 1095,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (platform, shop_id),
        CHECK (record_retention_days >= after_sales_days)
      )`);
    await q.query(`
      INSERT INTO shop_retention_settings (platform, shop_id, after_sales_days, record_retention_days, updated_at)
      SELECT p.platform, o.shop_id, o.after_sales_days, o.record_retention_days, o.updated_at
        FROM shop_retention_settings_old o
       CROSS JOIN (VALUES ('tmall'), ('jd'), ('douyin'), ('kuaishou'), ('pinduoduo'), ('youzan')) AS p (platform)`);
    await q.query('DROP TABLE shop_retention_settings_old');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE shop_retention_settings RENAME TO shop_retention_settings_new');
    await q.query(`
      CREATE TABLE shop_retention_settings (
        shop_id text PRIMARY KEY,
        after_sales_days integer NOT NULL DEFAULT 30 CHECK (after_sales_days >= 0),
        record_retention_days integer NOT NULL DEFAULT 1095,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (record_retention_days >= after_sales_days)
      )`);
    // The shortest window of a shop id's platforms: going back must not keep data longer.
    await q.query(`
      INSERT INTO shop_retention_settings (shop_id, after_sales_days, record_retention_days)
      SELECT shop_id, min(after_sales_days), min(record_retention_days)
        FROM shop_retention_settings_new GROUP BY shop_id`);
    await q.query('DROP TABLE shop_retention_settings_new');
  }
}
