import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityInitial1763900000500 implements MigrationInterface {
  name = 'IdentityInitial1763900000500';

  async up(q: QueryRunner): Promise<void> {
    // Usernames are stored lowercased, so a plain unique index behaves like citext.
    await q.query(`
      CREATE TABLE staff_accounts (
        id uuid PRIMARY KEY,
        username text NOT NULL CHECK (username = lower(username) AND length(username) BETWEEN 3 AND 64),
        password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
        role text NOT NULL CHECK (role IN ('admin', 'ops', 'marketer', 'privacy_officer')),
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        password_changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX staff_accounts_username ON staff_accounts (username)');
    // Only the SHA-256 of a key is kept; the key itself is shown once, at creation.
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('platform')),
        key_sha256 text NOT NULL UNIQUE CHECK (key_sha256 ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz,
        revoked_by text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys; DROP TABLE staff_accounts');
  }
}
