import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AudienceInitial1763900000200 implements MigrationInterface {
  name = 'AudienceInitial1763900000200';

  async up(q: QueryRunner): Promise<void> {
    // A member exists only while some marketing consent is active (invariant 1, R10).
    await q.query(`
      CREATE TABLE members (
        subject_ref uuid PRIMARY KEY,
        brand_id text NOT NULL,
        joined_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Consent projection per purpose × channel; kept (minimal) after withdrawal so a late,
    // older grant can never resurrect a member: ledger_seq only moves forward.
    await q.query(`
      CREATE TABLE member_consents (
        subject_ref uuid NOT NULL,
        brand_id text NOT NULL,
        purpose text NOT NULL,
        channel text NOT NULL,
        granted boolean NOT NULL,
        ledger_seq bigint NOT NULL,
        PRIMARY KEY (subject_ref, purpose, channel)
      )`);
    await q.query(`
      CREATE TABLE segments (
        id uuid PRIMARY KEY,
        brand_id text NOT NULL,
        name text NOT NULL,
        purpose text NOT NULL,
        channel text NOT NULL,
        version int NOT NULL DEFAULT 0,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE segments, member_consents, members');
  }
}
