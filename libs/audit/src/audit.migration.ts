import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Hash-chained audit trail (R20); services that read PII list this migration. */
export class AuditTrail1763900000001 implements MigrationInterface {
  name = 'AuditTrail1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        seq bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        purpose text NOT NULL,
        subject text NOT NULL,
        fields text[] NOT NULL,
        outcome text NOT NULL,
        prev_hash text,
        hash text NOT NULL
      )`);
    // Append-only: the service role may insert and read, never rewrite history.
    await q.query(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log; DROP FUNCTION audit_log_append_only()');
  }
}
