import type { EntityManager } from 'typeorm';

/** How many texts the sandbox SMS channel sent one phone lately: the per-phone limit on request codes. */
export class RequesterCodeRepository {
  async countTextsSince(tx: EntityManager, phoneIndex: string, since: Date): Promise<number> {
    const [row] = await tx.query(
      'SELECT count(*)::int AS n FROM sandbox_sms WHERE to_index = $1 AND sent_at > $2',
      [phoneIndex, since],
    );
    return row.n;
  }
}
