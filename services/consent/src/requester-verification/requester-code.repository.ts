import type { EntityManager } from 'typeorm';

/** How many texts the sandbox SMS channel sent one phone lately: the per-phone limit on request codes. */
export class RequesterCodeRepository {
  /**
   * Serialises the check-then-send for one phone: two challenges for the same number handled at
   * once would otherwise both count 4 texts and both send (a sixth text within the hour).
   */
  async lockPhone(tx: EntityManager, phoneIndex: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('requester-code:' || $1, 0))`, [
      phoneIndex,
    ]);
  }

  async countTextsSince(tx: EntityManager, phoneIndex: string, since: Date): Promise<number> {
    const [row] = await tx.query(
      'SELECT count(*)::int AS n FROM sandbox_sms WHERE to_index = $1 AND sent_at > $2',
      [phoneIndex, since],
    );
    return row.n;
  }
}
