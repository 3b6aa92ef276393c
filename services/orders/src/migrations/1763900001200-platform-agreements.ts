import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * R8: each shop's platform agreement (which purposes the platform lets the brand use its order
 * data for), the release refusals it causes, and why a release was revoked.
 */
export class PlatformAgreements1763900001200 implements MigrationInterface {
  name = 'PlatformAgreements1763900001200';

  async up(q: QueryRunner): Promise<void> {
    // A shop without a row has its platform's default (fulfilment only, see platform-agreement.ts).
    await q.query(`
      CREATE TABLE shop_platform_agreements (
        platform text NOT NULL,
        shop_id text NOT NULL,
        allowed_purposes text[] NOT NULL,
        agreement_ref text,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (platform, shop_id)
      )`);
    // Refusals are kept as proof that a consented use was not made, and why (R8). No PII: the
    // subject is an opaque reference, the reason names the shop and the purpose.
    await q.query(`
      CREATE TABLE release_refusals (
        id bigserial PRIMARY KEY,
        platform text NOT NULL,
        shop_id text NOT NULL,
        subject_ref uuid NOT NULL,
        purpose text NOT NULL,
        reason text NOT NULL,
        ledger_seq bigint,
        refused_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX release_refusals_shop ON release_refusals (platform, shop_id, refused_at DESC)',
    );
    await q.query('CREATE INDEX release_refusals_subject ON release_refusals (subject_ref)');
    await q.query('ALTER TABLE fact_releases ADD COLUMN revoked_reason text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE fact_releases DROP COLUMN revoked_reason');
    await q.query('DROP TABLE release_refusals, shop_platform_agreements');
  }
}
