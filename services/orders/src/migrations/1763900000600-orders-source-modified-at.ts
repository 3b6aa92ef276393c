import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform's own last-modified time of an order, when its export has one: an import never
 * applies an update older than what is stored (issue §1). Not personal data.
 */
export class OrdersSourceModifiedAt1763900000600 implements MigrationInterface {
  name = 'OrdersSourceModifiedAt1763900000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders ADD COLUMN source_modified_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders DROP COLUMN source_modified_at');
  }
}
