import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an order's parcel left: the export's 发货时间 where it has one, else the first import that
 * showed the order shipped. Parcel-card sheets are per shipping day; they used the day an order
 * was last written, which a later status or logistics update moved.
 */
export class OrdersShippedAt1763900001310 implements MigrationInterface {
  name = 'OrdersShippedAt1763900001310';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders ADD COLUMN shipped_at timestamptz');
    // The best estimate for orders stored before: the last write of a still-shipped order.
    await q.query(`UPDATE orders SET shipped_at = updated_at WHERE status = 'shipped'`);
    await q.query(
      'CREATE INDEX orders_shop_shipped ON orders (shop_id, shipped_at) WHERE shipped_at IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX orders_shop_shipped');
    await q.query('ALTER TABLE orders DROP COLUMN shipped_at');
  }
}
