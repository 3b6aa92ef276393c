import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The WeCom door: external_userid → subject bindings (blind index only, R1) and the events received. */
export class WecomDoor1763900003200 implements MigrationInterface {
  name = 'WecomDoor1763900003200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wecom_bindings (
        brand_id text NOT NULL,
        external_index text NOT NULL,
        subject_ref uuid NOT NULL,
        bound_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, external_index)
      )`);
    // WeCom retries a push it got no answer to; (external user, ChangeType, CreateTime) names one push.
    await q.query(`
      CREATE TABLE wecom_events (
        id bigserial PRIMARY KEY,
        brand_id text NOT NULL,
        external_index text NOT NULL,
        change_type text NOT NULL,
        created_at_wecom bigint NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (brand_id, external_index, change_type, created_at_wecom)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE wecom_events, wecom_bindings');
  }
}
