import type { MigrationInterface, QueryRunner } from 'typeorm';

/** R9 on WeChat: openid → subject bindings (blind index only, R1) and the events received. */
export class WechatEvents1763900000820 implements MigrationInterface {
  name = 'WechatEvents1763900000820';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wechat_bindings (
        brand_id text NOT NULL,
        openid_index text NOT NULL,
        subject_ref uuid NOT NULL,
        bound_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, openid_index)
      )`);
    // WeChat retries a push up to three times; (openid, CreateTime, event) names one push.
    await q.query(`
      CREATE TABLE wechat_events (
        id bigserial PRIMARY KEY,
        brand_id text NOT NULL,
        openid_index text NOT NULL,
        event text NOT NULL,
        event_key text,
        created_at_wechat bigint NOT NULL,
        acted boolean NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (brand_id, openid_index, created_at_wechat, event)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE wechat_events, wechat_bindings');
  }
}
