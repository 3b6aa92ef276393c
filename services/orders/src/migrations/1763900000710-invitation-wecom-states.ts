import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * WeCom "contact me" (联系我) carries a `state` of at most 30 characters back in its add-contact
 * callback: too short for a signed token, so a short random id stands for the order ref here.
 */
export class InvitationWecomStates1763900000710 implements MigrationInterface {
  name = 'InvitationWecomStates1763900000710';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE invitation_wecom_states (
        state text PRIMARY KEY CHECK (length(state) <= 30),
        order_ref uuid NOT NULL UNIQUE REFERENCES orders (order_ref) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE invitation_wecom_states');
  }
}
