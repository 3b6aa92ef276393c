import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * R20: signed heads of the service's audit chain (seq, hash, entries up to it, time, Ed25519 signature
 * under the service's own key). Append-only, like audit_log. Every service that lists
 * AuditTrail1763900000001 lists this one too.
 */
export class AuditAnchors1763900007000 implements MigrationInterface {
  name = 'AuditAnchors1763900007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_anchors (
        id bigserial PRIMARY KEY,
        service text NOT NULL,
        head_seq bigint NOT NULL,
        head_hash text NOT NULL,
        entry_count bigint NOT NULL,
        anchored_at timestamptz NOT NULL,
        kid text NOT NULL,
        signature text NOT NULL
      )`);
    await q.query('CREATE INDEX audit_anchors_latest ON audit_anchors (head_seq DESC)');
    await q.query(`CREATE FUNCTION audit_anchors_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_anchors is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE OR DELETE ON audit_anchors
      FOR EACH ROW EXECUTE FUNCTION audit_anchors_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_anchors');
    await q.query('DROP FUNCTION audit_anchors_append_only()');
  }
}
