import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * R20: signed ledger heads. A chain shows an edited or removed entry, but not removed *newest*
 * entries; an anchor (brand, seq, hash, time, Ed25519 signature) kept here and as a receipt outside
 * Siyu does. Append-only, like the ledger.
 */
export class LedgerAnchors1763900002210 implements MigrationInterface {
  name = 'LedgerAnchors1763900002210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_anchors (
        id bigserial PRIMARY KEY,
        brand_id text NOT NULL,
        head_seq bigint NOT NULL,
        head_hash text NOT NULL,
        anchored_at timestamptz NOT NULL,
        kid text NOT NULL,
        signature text NOT NULL
      )`);
    await q.query('CREATE INDEX ledger_anchors_latest ON ledger_anchors (brand_id, head_seq DESC)');
    await q.query(`CREATE FUNCTION ledger_anchors_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'ledger_anchors is append-only'; END $$`);
    await q.query(`CREATE TRIGGER ledger_anchors_no_update BEFORE UPDATE OR DELETE ON ledger_anchors
      FOR EACH ROW EXECUTE FUNCTION ledger_anchors_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ledger_anchors');
    await q.query('DROP FUNCTION ledger_anchors_append_only()');
  }
}
