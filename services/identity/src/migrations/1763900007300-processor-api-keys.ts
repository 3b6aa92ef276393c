import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * R15: API keys of role `processor`, each bound to one grant; identity's copy of the grants privacy
 * issued (from `privacy.processor-grant-issued.v1` / `-ended.v1`), so a token is never issued outside one.
 */
export class ProcessorApiKeys1763900007300 implements MigrationInterface {
  name = 'ProcessorApiKeys1763900007300';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check');
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('platform', 'auditor', 'processor'))`,
    );
    await q.query('ALTER TABLE api_keys ADD COLUMN grant_id uuid');
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_processor_grant CHECK ((role = 'processor') = (grant_id IS NOT NULL))`,
    );
    await q.query(`
      CREATE TABLE processor_grants (
        grant_id uuid PRIMARY KEY,
        purpose text NOT NULL,
        fields text[] NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        ended_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE processor_grants');
    await q.query('DELETE FROM api_keys WHERE role = $1', ['processor']);
    await q.query('ALTER TABLE api_keys DROP CONSTRAINT api_keys_processor_grant');
    await q.query('ALTER TABLE api_keys DROP COLUMN grant_id');
    await q.query('ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check');
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('platform', 'auditor'))`,
    );
  }
}
