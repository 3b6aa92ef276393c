import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Requests a customer starts on the public page (R14): challenges, consent's seal key, status links. */
export class CustomerRequests1763900004000 implements MigrationInterface {
  name = 'CustomerRequests1763900004000';

  async up(q: QueryRunner): Promise<void> {
    // Consent's public key for sealed boxes; privacy can seal a phone to it, never open one.
    await q.query(`
      CREATE TABLE requester_seal_keys (
        brand_id text PRIMARY KEY,
        kid text NOT NULL,
        public_key text NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    // A started request waiting for its code. No phone: only the code's hash, and the subject consent
    // found for that phone, used only once the code comes back. Deleted when used or a day after expiry.
    await q.query(`
      CREATE TABLE requester_challenges (
        id uuid PRIMARY KEY,
        brand_id text NOT NULL,
        kind text NOT NULL,
        locale text NOT NULL,
        code_hash text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        resolved_at timestamptz,
        subject_ref uuid
      )`);
    await q.query('CREATE INDEX requester_challenges_expiry ON requester_challenges (expires_at)');
    // The status page's link is a random token; only its hash is stored.
    await q.query('ALTER TABLE data_subject_requests ADD COLUMN status_token_hash text UNIQUE');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE data_subject_requests DROP COLUMN status_token_hash');
    await q.query('DROP TABLE requester_challenges, requester_seal_keys');
  }
}
