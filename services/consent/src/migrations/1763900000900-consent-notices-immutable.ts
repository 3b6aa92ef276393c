import type { MigrationInterface, QueryRunner } from 'typeorm';

/** R5: notices are versioned per brand and locale; a published version never changes. */
export class ConsentNoticesImmutable1763900000900 implements MigrationInterface {
  name = 'ConsentNoticesImmutable1763900000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE notices DROP CONSTRAINT notices_brand_id_version_key');
    await q.query(
      'ALTER TABLE notices ADD CONSTRAINT notices_brand_locale_version UNIQUE (brand_id, locale, version)',
    );
    // What a consent recorded (its notice hash) must keep meaning what the customer read.
    await q.query(`CREATE FUNCTION notices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'published notices are immutable; publish a new version'; END $$`);
    await q.query(`CREATE TRIGGER notices_no_update BEFORE UPDATE OR DELETE ON notices
      FOR EACH ROW EXECUTE FUNCTION notices_immutable()`);
    await q.query(
      `CREATE INDEX ledger_grant_order ON ledger ((evidence->>'orderRef')) WHERE action = 'granted'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ledger_grant_order');
    await q.query('DROP TRIGGER notices_no_update ON notices');
    await q.query('DROP FUNCTION notices_immutable()');
    await q.query('ALTER TABLE notices DROP CONSTRAINT notices_brand_locale_version');
    await q.query(
      'ALTER TABLE notices ADD CONSTRAINT notices_brand_id_version_key UNIQUE (brand_id, version)',
    );
  }
}
