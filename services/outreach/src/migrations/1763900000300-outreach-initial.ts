import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OutreachInitial1763900000300 implements MigrationInterface {
  name = 'OutreachInitial1763900000300';

  async up(q: QueryRunner): Promise<void> {
    // Outreach's own consent projection: the send gate reads this, right before each dispatch.
    await q.query(`
      CREATE TABLE consent_projection (
        subject_ref uuid NOT NULL,
        brand_id text NOT NULL,
        purpose text NOT NULL,
        channel text NOT NULL,
        granted boolean NOT NULL,
        ledger_seq bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject_ref, purpose, channel)
      )`);
    // Contact points as consent sealed them (AES-256-GCM under CONTACT_KEY); deleted on withdrawal (R10).
    await q.query(`
      CREATE TABLE contact_points (
        subject_ref uuid NOT NULL,
        channel text NOT NULL,
        sealed text NOT NULL,
        ledger_seq bigint NOT NULL,
        PRIMARY KEY (subject_ref, channel)
      )`);
    await q.query(`
      CREATE TABLE consent_watermarks (
        partition int PRIMARY KEY,
        at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE suppressions (
        id bigserial PRIMARY KEY,
        subject_ref uuid NOT NULL,
        purposes text[] NOT NULL,
        channels text[] NOT NULL,
        source text NOT NULL,
        effective_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE segment_versions (
        segment_id uuid NOT NULL,
        version int NOT NULL,
        purpose text NOT NULL,
        channel text NOT NULL,
        size int NOT NULL,
        parts int NOT NULL,
        parts_received int NOT NULL DEFAULT 0,
        PRIMARY KEY (segment_id, version)
      )`);
    await q.query(`
      CREATE TABLE segment_members (
        segment_id uuid NOT NULL,
        version int NOT NULL,
        subject_ref uuid NOT NULL,
        PRIMARY KEY (segment_id, version, subject_ref)
      )`);
    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY,
        brand_id text NOT NULL,
        name text NOT NULL,
        segment_id uuid NOT NULL,
        purpose text NOT NULL,
        channel text NOT NULL,
        body text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE campaign_runs (
        id uuid PRIMARY KEY,
        campaign_id uuid NOT NULL REFERENCES campaigns (id),
        segment_version int NOT NULL,
        status text NOT NULL,
        started_by text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE sends (
        run_id uuid NOT NULL REFERENCES campaign_runs (id),
        subject_ref uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('sent', 'suppressed')),
        reason text,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (run_id, subject_ref)
      )`);
    await q.query(`
      CREATE TABLE sandbox_sms (
        id bigserial PRIMARY KEY,
        to_masked text NOT NULL,
        body text NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE sandbox_sms, sends, campaign_runs, campaigns, segment_members, segment_versions, suppressions, consent_watermarks, contact_points, consent_projection',
    );
  }
}
