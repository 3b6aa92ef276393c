import type { EntityManager } from 'typeorm';
import { evaluationLockKey } from '../members/member-data.repository';

export class DirtyMembersRepository {
  /**
   * Claims up to `limit` dirty members for recomputation. Member rows are locked first (the same
   * order every writer uses: member, then its data), so a withdrawal or an opt-out for one of them
   * waits for this batch and then deletes what it computed — never the other way round (R10, R11).
   * The brand's evaluation lock is taken shared first, as every member data writer does.
   * `consumed`: marks deleted (the batch's and gone members'); 0 when every picked member is locked.
   * Marks are picked `SKIP LOCKED` too: batches claimed at the same time (RefreshMemberTags'
   * workers) take different marks instead of the same oldest ones, and a claim never waits (a
   * writer re-marking a member waits for the batch instead).
   */
  async claim(
    tx: EntityManager,
    brandId: string,
    limit: number,
  ): Promise<{ batch: string[]; consumed: number }> {
    // A member data change like any other: a segment evaluation waits for it (member_changes).
    await tx.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [evaluationLockKey(brandId)]);
    // One statement: the oldest marks, their member rows locked (rows another writer holds are
    // skipped and keep their marks), and the claimed marks deleted, with those of members who have
    // gone since (a mark carries nothing to compute then). Three statements and a delete of the
    // brand's gone members' marks cost ~0.5 s of a 10,000-member batch at 100k (docs/benchmarks.md).
    const rows: { subject_ref: string | null; consumed: number }[] = await tx.query(
      `WITH picked AS MATERIALIZED (
              SELECT d.subject_ref FROM dirty_members d WHERE d.brand_id = $1 ORDER BY d.marked_at LIMIT $2
                 FOR UPDATE OF d SKIP LOCKED),
            batch AS MATERIALIZED (
              SELECT m.subject_ref FROM members m WHERE m.subject_ref IN (SELECT subject_ref FROM picked)
               ORDER BY m.subject_ref FOR UPDATE OF m SKIP LOCKED),
            claimed AS (
              DELETE FROM dirty_members d USING picked p
               WHERE d.subject_ref = p.subject_ref
                 AND (d.subject_ref IN (SELECT subject_ref FROM batch)
                      OR NOT EXISTS (SELECT 1 FROM members m WHERE m.subject_ref = d.subject_ref))
              RETURNING 1)
       SELECT b.subject_ref, (SELECT count(*) FROM claimed)::int AS consumed
         FROM (SELECT 1) one LEFT JOIN batch b ON true ORDER BY b.subject_ref`,
      [brandId, limit],
    );
    return {
      batch: rows.flatMap((r) => (r.subject_ref ? [r.subject_ref] : [])),
      consumed: rows[0]?.consumed ?? 0,
    };
  }

  /** Every member of the brand (a new tag definition version needs them all). */
  async markBrand(tx: EntityManager, brandId: string): Promise<void> {
    await tx.query(
      `INSERT INTO dirty_members (subject_ref, brand_id) SELECT subject_ref, brand_id FROM members WHERE brand_id = $1
       ON CONFLICT (subject_ref) DO UPDATE SET marked_at = now()`,
      [brandId],
    );
  }
}
