import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The file row the last import read an order from. With `last_import_id` it tells a repeated row
 * of the same file from an update, with the first row's number, without the importer holding
 * every order number of a million-row file in memory (issue §8: memory stays flat).
 */
export class OrdersLastImportRow1763900001320 implements MigrationInterface {
  name = 'OrdersLastImportRow1763900001320';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders ADD COLUMN last_import_row integer CHECK (last_import_row > 0)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders DROP COLUMN last_import_row');
  }
}
