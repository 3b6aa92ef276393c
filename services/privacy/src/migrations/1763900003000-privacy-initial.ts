import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Data-subject requests (R14) and their per-service tracking. */
export class PrivacyInitial1763900003000 implements MigrationInterface {
  name = 'PrivacyInitial1763900003000';

  async up(q: QueryRunner): Promise<void> {
    // The subject ref is the only identifier kept: no contact point, no name (R16).
    await q.query(`
      CREATE TABLE data_subject_requests (
        id uuid PRIMARY KEY,
        brand_id text NOT NULL,
        subject_ref uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('access', 'erasure')),
        received_via text NOT NULL CHECK (received_via IN ('offline', 'public_page')),
        logged_by text NOT NULL,
        received_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        completed_at timestamptz
      )`);
    await q.query(
      'CREATE INDEX data_subject_requests_open ON data_subject_requests (due_at) WHERE completed_at IS NULL',
    );
    // One row per service the request waits for; `lines` is the service's own answer (no PII).
    await q.query(`
      CREATE TABLE request_services (
        request_id uuid NOT NULL REFERENCES data_subject_requests (id),
        service text NOT NULL,
        answered_at timestamptz,
        lines jsonb,
        reminded_at timestamptz,
        escalated_at timestamptz,
        PRIMARY KEY (request_id, service)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE request_services, data_subject_requests');
  }
}
