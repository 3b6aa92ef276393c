import type { EntityManager } from 'typeorm';
import { markWholeVersionOwed } from '../members/member-data.repository';
import type { TagCategory } from '@siyu/contracts';

export class CategoryOptOutsRepository {
  /**
   * Replaces the member's closed categories with `closed` unless a newer choice was applied already.
   * Returns false for a stale (older) choice.
   */
  async replace(
    tx: EntityManager,
    brandId: string,
    subjectRef: string,
    closed: TagCategory[],
    changedAt: string,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO member_preference_marks (subject_ref, changed_at) VALUES ($1, $2)
       ON CONFLICT (subject_ref) DO UPDATE SET changed_at = EXCLUDED.changed_at
       WHERE member_preference_marks.changed_at < EXCLUDED.changed_at
       RETURNING 1`,
      [subjectRef, changedAt],
    );
    if (rows.length === 0) return false;
    await tx.query(
      'DELETE FROM member_category_optouts WHERE subject_ref = $1 AND NOT (category = ANY($2::text[]))',
      [subjectRef, closed],
    );
    await tx.query(
      `INSERT INTO member_category_optouts (subject_ref, brand_id, category, closed_at)
       SELECT $1, $2, c, $4 FROM unnest($3::text[]) c ON CONFLICT DO NOTHING`,
      [subjectRef, brandId, closed, changedAt],
    );
    // The copy segment guards read (members.closed_categories, migration 203), in this transaction.
    await tx.query(
      `UPDATE members SET closed_categories = ARRAY(SELECT DISTINCT c FROM unnest($2::text[]) c ORDER BY c)
        WHERE subject_ref = $1`,
      [subjectRef, closed],
    );
    return true;
  }

  async closedOf(tx: EntityManager, subjectRef: string): Promise<TagCategory[]> {
    const rows: { category: TagCategory }[] = await tx.query(
      'SELECT category FROM member_category_optouts WHERE subject_ref = $1 ORDER BY category',
      [subjectRef],
    );
    return rows.map((r) => r.category);
  }

  /** Memberships in materialised segments that selected by one of these categories go too. */
  async deleteMembershipsSelectedBy(
    tx: EntityManager,
    subjectRef: string,
    closed: TagCategory[],
  ): Promise<void> {
    await markWholeVersionOwed(tx, subjectRef, closed);
    await tx.query(
      `DELETE FROM segment_members sm USING segments s
        WHERE sm.subject_ref = $1 AND s.id = sm.segment_id AND s.categories && $2::text[]`,
      [subjectRef, closed],
    );
  }
}
