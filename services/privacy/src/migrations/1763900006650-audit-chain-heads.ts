import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The newest head of each service's audit chain privacy saw intact (R20): a later verification that
 * no longer finds it shows removed newest entries, which a chain alone cannot.
 */
export class AuditChainHeads1763900006650 implements MigrationInterface {
  name = 'AuditChainHeads1763900006650';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_chain_heads (
        chain text PRIMARY KEY,
        seq bigint NOT NULL,
        hash text NOT NULL,
        seen_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_chain_heads');
  }
}
