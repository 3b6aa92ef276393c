import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * WeCom and WeChat campaigns (issue 17 §3): their content is not a vendor SMS template, so a
 * campaign has either an SMS template or a platform message (WeCom text; WeChat subscription
 * template id, keyword values and page), never both.
 */
export class OutreachPlatformCampaigns1763900003020 implements MigrationInterface {
  name = 'OutreachPlatformCampaigns1763900003020';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaigns ALTER COLUMN template_id DROP NOT NULL');
    await q.query('ALTER TABLE campaigns ADD COLUMN message jsonb');
    await q.query(
      `ALTER TABLE campaigns ADD CONSTRAINT campaigns_content_by_channel CHECK (
         (channel = 'sms' AND template_id IS NOT NULL AND message IS NULL) OR
         (channel IN ('wecom', 'wechat') AND template_id IS NULL AND message IS NOT NULL))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaigns DROP CONSTRAINT campaigns_content_by_channel');
    await q.query('ALTER TABLE campaigns DROP COLUMN message');
    await q.query('ALTER TABLE campaigns ALTER COLUMN template_id SET NOT NULL');
  }
}
