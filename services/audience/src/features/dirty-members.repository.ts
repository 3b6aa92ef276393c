import type { EntityManager } from 'typeorm';
import { evaluationLockKey } from '../members/member-data.repository';

export class DirtyMembersRepository {
  /**
   * Claims up to `limit` dirty members for recomputation. Member rows are locked first (the same
   * order every writer uses: member, then its data), so a withdrawal or an opt-out for one of them
   * waits for this batch and then deletes what it computed — never the other way round (R10, R11).
   * The brand's evaluation lock is taken shared first, as every member data writer does.
   */
  async claim(tx: EntityManager, brandId: string, limit: number): Promise<string[]> {
    // A member data change like any other: a segment evaluation waits for it (member_changes).
    await tx.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [evaluationLockKey(brandId)]);
    // Marks left by members who have gone since carry nothing to compute.
    await tx.query(
      'DELETE FROM dirty_members d WHERE d.brand_id = $1 AND NOT EXISTS (SELECT 1 FROM members m WHERE m.subject_ref = d.subject_ref)',
      [brandId],
    );
    const rows: { subject_ref: string }[] = await tx.query(
      `SELECT m.subject_ref FROM members m
        WHERE m.subject_ref IN (SELECT d.subject_ref FROM dirty_members d WHERE d.brand_id = $1 ORDER BY d.marked_at LIMIT $2)
        ORDER BY m.subject_ref
        FOR UPDATE OF m SKIP LOCKED`,
      [brandId, limit],
    );
    const batch = rows.map((r) => r.subject_ref);
    if (batch.length > 0)
      await tx.query('DELETE FROM dirty_members WHERE subject_ref = ANY($1::uuid[])', [batch]);
    return batch;
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
