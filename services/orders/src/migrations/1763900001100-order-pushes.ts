import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform order push webhooks (issue §1): raw pushes queued for processing, and their replay guard. */
export class OrderPushes1763900001100 implements MigrationInterface {
  name = 'OrderPushes1763900001100';

  async up(q: QueryRunner): Promise<void> {
    // R1/R16: the body is personal data, so it is sealed under a data key of its own (wrapped by
    // the FULFILMENT key ring); both are deleted once the push is processed.
    await q.query(`
      CREATE TABLE order_pushes (
        id uuid PRIMARY KEY,
        platform text NOT NULL,
        shop_id text NOT NULL,
        push_id text NOT NULL,
        body_sealed text,
        body_key text,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        error text,
        UNIQUE (platform, shop_id, push_id)
      )`);
    await q.query(
      'CREATE INDEX order_pushes_pending ON order_pushes (received_at) WHERE processed_at IS NULL',
    );
    // Nonces of signed pushes, kept a little longer than the timestamp window they guard.
    await q.query(`
      CREATE TABLE order_push_nonces (
        scope text NOT NULL,
        nonce text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (scope, nonce)
      )`);
    await q.query('CREATE INDEX order_push_nonces_expiry ON order_push_nonces (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE order_push_nonces, order_pushes');
  }
}
