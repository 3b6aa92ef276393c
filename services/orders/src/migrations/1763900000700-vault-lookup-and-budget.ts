import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * After-sales lookup through blind indexes (R16: no plaintext search), per-purpose reveal budgets,
 * and the per-order record of crypto-shredding (R17). Tables of their own, keyed by order ref, so
 * the orders table keeps its definition.
 */
export class VaultLookupAndBudget1763900000700 implements MigrationInterface {
  name = 'VaultLookupAndBudget1763900000700';

  async up(q: QueryRunner): Promise<void> {
    // Keyed HMACs (FULFILMENT_BLIND_INDEX_KEY) of a receiver's phone and the buyer id: equality only.
    await q.query(`
      CREATE TABLE receiver_lookup (
        order_ref uuid NOT NULL REFERENCES orders (order_ref) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('phone-full', 'phone-last4', 'buyer-id')),
        digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
        PRIMARY KEY (order_ref, kind)
      )`);
    await q.query('CREATE INDEX receiver_lookup_digest ON receiver_lookup (kind, digest)');
    // Which sealed values an order's index rows were computed from: a re-import that re-sealed
    // the receiver makes the backfill index the order again.
    await q.query(`
      CREATE TABLE receiver_lookup_sources (
        order_ref uuid PRIMARY KEY REFERENCES orders (order_ref) ON DELETE CASCADE,
        source_digest text NOT NULL,
        indexed_at timestamptz NOT NULL DEFAULT now()
      )`);
    // R17 proof per order. The buyer's key may be re-created for a later order; an order sealed
    // before its shredding stays shredded (it was last written before shredded_at).
    await q.query(`
      CREATE TABLE receiver_shreds (
        order_ref uuid PRIMARY KEY REFERENCES orders (order_ref) ON DELETE CASCADE,
        shredded_at timestamptz NOT NULL
      )`);
    // Like the platforms' decrypt quotas: reveals per purpose per China calendar day.
    await q.query(`
      CREATE TABLE reveal_budget_usage (
        day date NOT NULL,
        purpose text NOT NULL,
        used integer NOT NULL CHECK (used >= 0),
        PRIMARY KEY (day, purpose)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE reveal_budget_usage; DROP TABLE receiver_shreds; DROP TABLE receiver_lookup_sources; DROP TABLE receiver_lookup',
    );
  }
}
