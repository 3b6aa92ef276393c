import type { MigrationInterface, QueryRunner } from 'typeorm';

/** R20: API keys of role `auditor`, the machine credential of privacy's scheduled chain verification. */
export class AuditorApiKeys1763900007200 implements MigrationInterface {
  name = 'AuditorApiKeys1763900007200';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check');
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('platform', 'auditor'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check');
    await q.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('platform'))`);
  }
}
