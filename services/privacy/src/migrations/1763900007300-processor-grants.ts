import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * R15 (PIPL Art. 21): grants to entrusted agencies: purpose, fields from a fixed catalogue, period,
 * the duties acknowledged; how each ended; the agency's deletion confirmation and its escalation.
 */
export class ProcessorGrants1763900007300 implements MigrationInterface {
  name = 'ProcessorGrants1763900007300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE processor_grants (
        id uuid PRIMARY KEY,
        processor_name text NOT NULL,
        contract_reference text NOT NULL,
        purpose text NOT NULL,
        fields text[] NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        duties_acknowledged text[] NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_by text,
        deletion_confirmed_at timestamptz,
        deletion_confirmed_by text,
        deletion_reference text,
        deletion_escalated_at timestamptz,
        CHECK (valid_until > valid_from)
      )`);
    // The deletion watch looks for ended grants with no confirmation.
    await q.query(
      'CREATE INDEX processor_grants_unconfirmed ON processor_grants (valid_until) WHERE deletion_confirmed_at IS NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE processor_grants');
  }
}
