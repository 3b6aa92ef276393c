import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A service's short links (ADR 0008), in its own schema: each issuing service lists this migration.
 * `claims` holds what the link stands for — opaque references only (a subject ref, an order ref, a
 * channel, a purpose), the same fields the long signed token carries; never a phone or a name.
 */
export class ShortLinks1763900005000 implements MigrationInterface {
  name = 'ShortLinks1763900005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE short_links (
        code text PRIMARY KEY CHECK (code ~ '^[0-9A-Za-z]{17}$'),
        kind text NOT NULL,
        brand_id text NOT NULL,
        claims jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        UNIQUE (kind, brand_id, claims)
      )`);
    await q.query('CREATE INDEX short_links_expires_at ON short_links (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE short_links');
  }
}
