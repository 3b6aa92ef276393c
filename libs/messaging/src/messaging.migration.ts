import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox, inbox and dead letters; every service lists this migration first, in its own schema. */
export class MessagingTables1763900000000 implements MigrationInterface {
  name = 'MessagingTables1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        key text NOT NULL,
        partition int,
        payload text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // The relay moves a row here when the broker has acknowledged it: a compact record of what was
    // sent and when. Deleting from the outbox is ~3x cheaper than rewriting each row with sent_at
    // (bench/outbox-relay.bench.ts), and keeps the unsent scan free of dead index entries.
    await q.query(`
      CREATE TABLE outbox_sent (
        id bigint PRIMARY KEY,
        event_id uuid NOT NULL,
        topic text NOT NULL,
        sent_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE inbox (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        topic text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await q.query(`
      CREATE TABLE dead_letters (
        id bigserial PRIMARY KEY,
        consumer text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        "offset" text NOT NULL,
        key text NOT NULL,
        payload text NOT NULL,
        reason text NOT NULL,
        attempts int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dead_letters, inbox, outbox_sent, outbox');
  }
}
