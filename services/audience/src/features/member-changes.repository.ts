import type { EntityManager } from 'typeorm';

/**
 * The log of members whose features and tags were just recomputed (their facts, consents or opt-outs
 * changed): what an incremental segment refresh re-evaluates. Writers hold the brand's evaluation
 * lock shared (the refresh batch does), so once a segment refresh holds it exclusively, every
 * sequence number up to the latest is committed: none is skipped by a later, earlier-numbered commit.
 */
export class MemberChangesRepository {
  async append(tx: EntityManager, brandId: string, refs: string[]): Promise<void> {
    if (refs.length === 0) return;
    await tx.query('INSERT INTO member_changes (brand_id, subject_ref) SELECT $1, unnest($2::uuid[])', [
      brandId,
      refs,
    ]);
  }

  async latestSeq(tx: EntityManager, brandId: string): Promise<number> {
    const [{ seq }] = await tx.query(
      'SELECT COALESCE(max(seq), 0)::bigint AS seq FROM member_changes WHERE brand_id = $1',
      [brandId],
    );
    return Number(seq);
  }

  /** Distinct members changed after `afterSeq` up to `upToSeq`; null when more than `limit`. */
  async changedBetween(
    tx: EntityManager,
    brandId: string,
    afterSeq: number,
    upToSeq: number,
    limit: number,
  ): Promise<string[] | null> {
    const rows: { subject_ref: string }[] = await tx.query(
      `SELECT DISTINCT subject_ref FROM member_changes
        WHERE brand_id = $1 AND seq > $2 AND seq <= $3 LIMIT $4`,
      [brandId, afterSeq, upToSeq, limit + 1],
    );
    return rows.length > limit ? null : rows.map((r) => r.subject_ref);
  }

  /**
   * Entries every self-refreshing segment has seen go; without such segments, all up to now
   * (a segment materialised later starts from a whole evaluation).
   */
  async prune(tx: EntityManager, brandId: string): Promise<void> {
    await tx.query(
      `DELETE FROM member_changes WHERE brand_id = $1 AND seq <= COALESCE(
         (SELECT min(change_seq) FROM segments WHERE brand_id = $1 AND auto_refresh AND version > 0),
         (SELECT max(seq) FROM member_changes WHERE brand_id = $1))`,
      [brandId],
    );
  }
}
