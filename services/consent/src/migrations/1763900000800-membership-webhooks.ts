import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Door 1 (R7): platform membership webhooks — replay guard, idempotent answers, member links. */
export class MembershipWebhooks1763900000800 implements MigrationInterface {
  name = 'MembershipWebhooks1763900000800';

  async up(q: QueryRunner): Promise<void> {
    // Nonces of signed webhook calls, kept a little longer than the timestamp window they guard.
    await q.query(`
      CREATE TABLE webhook_nonces (
        scope text NOT NULL,
        nonce text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (scope, nonce)
      )`);
    await q.query('CREATE INDEX webhook_nonces_expiry ON webhook_nonces (expires_at)');
    // Platforms retry and backfill: the same request id gets the same answer, and no second entry.
    await q.query(`
      CREATE TABLE membership_calls (
        platform text NOT NULL,
        shop_id text NOT NULL,
        request_id text NOT NULL,
        action text NOT NULL,
        answer jsonb,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (platform, shop_id, request_id)
      )`);
    // R1: the platform member id (omid/open id) is personal; only its blind index is stored.
    await q.query(`
      CREATE TABLE member_links (
        brand_id text NOT NULL,
        platform text NOT NULL,
        shop_id text NOT NULL,
        member_index text NOT NULL,
        subject_ref uuid NOT NULL,
        agreement_version text NOT NULL,
        bound_at timestamptz NOT NULL,
        unbound_at timestamptz,
        PRIMARY KEY (brand_id, platform, shop_id, member_index)
      )`);
    await q.query('CREATE INDEX member_links_subject ON member_links (subject_ref)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE member_links, membership_calls, webhook_nonces');
  }
}
