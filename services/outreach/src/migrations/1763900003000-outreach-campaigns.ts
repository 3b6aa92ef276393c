import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Campaigns for marketers (issue 17): vendor-approved templates, scheduled campaigns, background
 * runs and one send row per (run, member, channel) with its state machine. The walking skeleton's
 * body-text campaigns and their `sends` are kept, renamed, as the log of what was sent then.
 */
export class OutreachCampaigns1763900003000 implements MigrationInterface {
  name = 'OutreachCampaigns1763900003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sends RENAME TO legacy_sends');
    await q.query('ALTER TABLE campaign_runs RENAME TO legacy_campaign_runs');
    await q.query('ALTER TABLE campaigns RENAME TO legacy_campaigns');
    await q.query(`
      CREATE TABLE sms_templates (
        id uuid PRIMARY KEY,
        brand_id text NOT NULL,
        vendor text NOT NULL,
        sign_name text NOT NULL,
        template_code text NOT NULL,
        name text NOT NULL,
        content text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('marketing', 'notification', 'verification')),
        vendor_status text NOT NULL CHECK (vendor_status IN ('approved', 'pending', 'rejected')),
        variables text[] NOT NULL,
        problems text[] NOT NULL,
        source text NOT NULL CHECK (source IN ('synced', 'declared')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (brand_id, vendor, template_code, sign_name)
      )`);
    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY,
        brand_id text NOT NULL,
        name text NOT NULL,
        segment_id uuid NOT NULL,
        purpose text NOT NULL,
        channel text NOT NULL,
        template_id uuid NOT NULL REFERENCES sms_templates (id),
        variants jsonb NOT NULL,
        schedule jsonb NOT NULL,
        caps jsonb NOT NULL,
        quiet_hours jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('draft', 'scheduled', 'sending', 'done', 'paused', 'cancelled')),
        next_run_at timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      "CREATE INDEX campaigns_due ON campaigns (next_run_at) WHERE state = 'scheduled' AND next_run_at IS NOT NULL",
    );
    await q.query(`
      CREATE TABLE campaign_runs (
        id uuid PRIMARY KEY,
        campaign_id uuid NOT NULL REFERENCES campaigns (id),
        segment_id uuid NOT NULL,
        segment_version int NOT NULL,
        state text NOT NULL CHECK (state IN ('queued', 'sending', 'paused', 'done', 'cancelled')),
        paused_reason text,
        planned boolean NOT NULL DEFAULT false,
        lease_owner text,
        lease_until timestamptz,
        started_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(
      "CREATE INDEX campaign_runs_active ON campaign_runs (created_at) WHERE state IN ('queued', 'sending')",
    );
    // One row per (run, member, channel): its id is the send id the vendor carries (OutId /
    // SessionContext). planned → submitting → submitted → delivered | failed; unknown = reconcile.
    await q.query(`
      CREATE TABLE sends (
        send_id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES campaign_runs (id),
        campaign_id uuid NOT NULL,
        subject_ref uuid NOT NULL,
        channel text NOT NULL,
        purpose text NOT NULL,
        variant int NOT NULL DEFAULT 0,
        state text NOT NULL CHECK (state IN ('planned', 'blocked', 'submitting', 'submitted', 'unknown', 'delivered', 'failed', 'cancelled')),
        reason text,
        not_before timestamptz NOT NULL DEFAULT clock_timestamp(),
        vendor text,
        vendor_message_id text,
        error_code text,
        parts int,
        dispatched_at timestamptz,
        reported_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (run_id, subject_ref, channel)
      )`);
    await q.query("CREATE INDEX sends_due ON sends (run_id, not_before) WHERE state = 'planned'");
    await q.query(
      'CREATE INDEX sends_recent_per_member ON sends (subject_ref, channel, dispatched_at) WHERE dispatched_at IS NOT NULL',
    );
    await q.query('CREATE INDEX sends_campaign_member ON sends (campaign_id, subject_ref)');
    await q.query('CREATE INDEX suppressions_subject ON suppressions (subject_ref)');
    await q.query('CREATE INDEX segment_members_subject ON segment_members (subject_ref)');
    // Quiet hours are in the recipient's zone; a member without one is in the brand's zone.
    await q.query(`
      CREATE TABLE recipient_time_zones (
        subject_ref uuid PRIMARY KEY,
        time_zone text NOT NULL
      )`);
    await q.query('ALTER TABLE sandbox_sms ADD COLUMN send_id uuid UNIQUE');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sandbox_sms DROP COLUMN send_id');
    await q.query('DROP TABLE recipient_time_zones, sends, campaign_runs, campaigns, sms_templates');
    await q.query('DROP INDEX suppressions_subject, segment_members_subject');
    await q.query('ALTER TABLE legacy_campaigns RENAME TO campaigns');
    await q.query('ALTER TABLE legacy_campaign_runs RENAME TO campaign_runs');
    await q.query('ALTER TABLE legacy_sends RENAME TO sends');
  }
}
