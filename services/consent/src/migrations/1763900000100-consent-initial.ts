import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsentInitial1763900000100 implements MigrationInterface {
  name = 'ConsentInitial1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notices (
        id uuid PRIMARY KEY,
        brand_id text NOT NULL,
        version int NOT NULL,
        locale text NOT NULL,
        content jsonb NOT NULL,
        content_hash text NOT NULL UNIQUE,
        published_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (brand_id, version)
      )`);
    // R20: append-only, hash-chained per brand.
    await q.query(`
      CREATE TABLE ledger (
        seq bigserial PRIMARY KEY,
        brand_id text NOT NULL,
        subject_ref uuid NOT NULL,
        action text NOT NULL CHECK (action IN ('granted', 'withdrawn', 'expired')),
        purposes text[] NOT NULL,
        channels text[] NOT NULL,
        notice_hash text,
        door text,
        source text,
        evidence jsonb NOT NULL,
        at timestamptz NOT NULL,
        prev_hash text,
        hash text NOT NULL
      )`);
    await q.query('CREATE INDEX ledger_subject ON ledger (subject_ref, seq)');
    await q.query(`CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'ledger is append-only'; END $$`);
    await q.query(`CREATE TRIGGER ledger_no_update BEFORE UPDATE OR DELETE ON ledger
      FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`);
    await q.query(`
      CREATE TABLE subjects (
        subject_ref uuid PRIMARY KEY,
        brand_id text NOT NULL,
        phone_index text NOT NULL,
        sealed_phone text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (brand_id, phone_index)
      )`);
    await q.query(`
      CREATE TABLE otp_challenges (
        id uuid PRIMARY KEY,
        token_id text NOT NULL,
        phone_index text NOT NULL,
        code_hash text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX otp_by_phone ON otp_challenges (phone_index, created_at)');
    await q.query('CREATE INDEX otp_by_token ON otp_challenges (token_id, created_at)');
    await q.query(`
      CREATE TABLE sms_inbound (
        id bigserial PRIMARY KEY,
        phone_index text NOT NULL,
        keyword text,
        text text NOT NULL,
        acted boolean NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The sandbox SMS channel's sent box: masked recipient only, like a vendor console.
    await q.query(`
      CREATE TABLE sandbox_sms (
        id bigserial PRIMARY KEY,
        to_masked text NOT NULL,
        to_index text NOT NULL,
        body text NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sandbox_sms, sms_inbound, otp_challenges, subjects, ledger, notices');
    await q.query('DROP FUNCTION ledger_append_only()');
  }
}
