import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A parcel card links its order to at most one consenting subject (issue 9 §4): the first completed
 * QR consent claims the order, and the primary key makes a second claim — sequential or concurrent —
 * fail in PostgreSQL, not only in a check. No subject ref here: which subject joined stays in the
 * ledger's evidence, so the proof-retention purge (R10) has nothing more to minimise.
 */
export class ParcelCardClaims1763900002310 implements MigrationInterface {
  name = 'ParcelCardClaims1763900002310';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE parcel_card_claims (
        brand_id text NOT NULL,
        order_ref text NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (brand_id, order_ref)
      )`);
    // Cards used before this table existed are claimed by their first grant.
    await q.query(`
      INSERT INTO parcel_card_claims (brand_id, order_ref, claimed_at)
      SELECT brand_id, evidence->>'orderRef', min(at) FROM ledger
       WHERE action = 'granted' AND door = 'parcel_qr' AND evidence ? 'orderRef'
       GROUP BY brand_id, evidence->>'orderRef'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE parcel_card_claims');
  }
}
