import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops the foreign key from `orders.buyer_pseudonym` to `data_keys` (ADR 0014). PostgreSQL checked
 * it with a per-row trigger that took 58% of an import's order insert; every write of an order now
 * holds its buyer's key row instead, in one statement per chunk (`DataKeyRepository`'s
 * `FOR SHARE`), which keeps retention from shredding or deleting it until the chunk commits. `order_lookup`'s key to `orders`
 * stays: its `ON DELETE CASCADE` is how every deletion of an order takes its lookup row along.
 */
export class OrdersBuyerKeyHeldByChunk1763900001340 implements MigrationInterface {
  name = 'OrdersBuyerKeyHeldByChunk1763900001340';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders DROP CONSTRAINT orders_buyer_pseudonym_fkey');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE orders ADD CONSTRAINT orders_buyer_pseudonym_fkey
         FOREIGN KEY (buyer_pseudonym) REFERENCES data_keys (buyer_pseudonym)`,
    );
  }
}
