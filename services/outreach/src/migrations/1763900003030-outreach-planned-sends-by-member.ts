import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * R10 prune on every withdrawal blocks the member's planned sends: without an index on planned
 * sends by member that UPDATE scans every send, once per withdrawal, slowing the consent consumer
 * (and so the watermark the gate waits for) during a large fan-out.
 */
export class OutreachPlannedSendsByMember1763900003030 implements MigrationInterface {
  name = 'OutreachPlannedSendsByMember1763900003030';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE INDEX sends_planned_member ON sends (subject_ref) WHERE state = 'planned'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX sends_planned_member');
  }
}
