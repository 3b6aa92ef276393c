import type { MigrationInterface, QueryRunner } from 'typeorm';

/** R1: per field of a push, the kinds of unmasked personal data it carried and how many values (never the values). */
export class OrderPushPii1763900001210 implements MigrationInterface {
  name = 'OrderPushPii1763900001210';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE order_pushes ADD COLUMN unmasked_pii jsonb');
    await q.query('CREATE INDEX order_pushes_by_shop ON order_pushes (platform, shop_id, received_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX order_pushes_by_shop');
    await q.query('ALTER TABLE order_pushes DROP COLUMN unmasked_pii');
  }
}
