import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fulfilment vault (R16, R17). No column holds personal data in clear: receivers and buyer ids are
 * sealed under a per-buyer data key, buyer ids are otherwise only keyed pseudonyms (R1).
 */
export class OrdersInitial1763900000100 implements MigrationInterface {
  name = 'OrdersInitial1763900000100';

  async up(q: QueryRunner): Promise<void> {
    // One data key per buyer pseudonym, wrapped by the FULFILMENT KEK. Crypto-shredding (R17)
    // deletes the wrapped key and sets shredded_at: everything sealed under it becomes unreadable.
    await q.query(`
      CREATE TABLE data_keys (
        buyer_pseudonym text PRIMARY KEY CHECK (buyer_pseudonym ~ '^[0-9a-f]{64}$'),
        wrapped_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        shredded_at timestamptz,
        CHECK ((wrapped_key IS NULL) = (shredded_at IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE orders (
        order_ref uuid PRIMARY KEY,
        platform text NOT NULL,
        shop_id text NOT NULL,
        platform_order_id text NOT NULL,
        status text NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
        ordered_at timestamptz NOT NULL,
        paid_at timestamptz,
        logistics_company text,
        tracking_number text,
        lines jsonb NOT NULL,
        buyer_pseudonym text NOT NULL REFERENCES data_keys (buyer_pseudonym),
        buyer_id_sealed text CHECK (buyer_id_sealed LIKE 's1.%'),
        receiver_sealed text NOT NULL CHECK (receiver_sealed LIKE 's1.%'),
        content_fingerprint text NOT NULL,
        last_import_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT orders_platform_order UNIQUE (platform, shop_id, platform_order_id)
      )`);
    await q.query('CREATE INDEX orders_buyer ON orders (buyer_pseudonym)');
    await q.query(`
      CREATE TABLE import_jobs (
        id uuid PRIMARY KEY,
        platform text NOT NULL,
        shop_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        requested_by text NOT NULL,
        summary jsonb NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE import_jobs; DROP TABLE orders; DROP TABLE data_keys');
  }
}
