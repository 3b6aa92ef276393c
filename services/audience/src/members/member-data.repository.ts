import type { EntityManager } from 'typeorm';

/**
 * R10: what rests on a consent goes with it, in the caller's transaction. Derived data (features,
 * tags, materialised segment memberships) is keyed by subject_ref, so "everything derived" is exact.
 */
export class MemberDataRepository {
  /**
   * Every writer of a member's data locks the member row first (as the refresh batch does), so a
   * deletion never races a recomputation that would bring the data back. Before that it takes the
   * brand's evaluation lock shared: a materialisation in flight finishes first (and its memberships
   * are then deleted here), and one starting later sees this change (R10, R11).
   */
  async lockMember(tx: EntityManager, brandId: string, subjectRef: string): Promise<boolean> {
    await tx.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [evaluationLockKey(brandId)]);
    const rows = await tx.query('SELECT 1 FROM members WHERE subject_ref = $1 FOR UPDATE', [subjectRef]);
    return rows.length > 0;
  }

  /** Features, tags and segment memberships: every profile the facts or the profiling consent fed. */
  async deleteDerived(tx: EntityManager, subjectRef: string): Promise<void> {
    await tx.query('DELETE FROM member_features WHERE subject_ref = $1', [subjectRef]);
    await tx.query('DELETE FROM member_tags WHERE subject_ref = $1', [subjectRef]);
    await markWholeVersionOwed(tx, subjectRef);
    await tx.query('DELETE FROM segment_members WHERE subject_ref = $1', [subjectRef]);
  }

  /**
   * Consent for these purposes × channels withdrawn: the member leaves every materialised version of
   * the segments that reach it by them, at once (the send gate in outreach checks again anyway).
   */
  async deleteMembershipsReachedBy(
    tx: EntityManager,
    subjectRef: string,
    purposes: string[],
    channels: string[],
  ): Promise<void> {
    await tx.query(
      `DELETE FROM segment_members sm USING segments s
        WHERE sm.subject_ref = $1 AND s.id = sm.segment_id
          AND s.purpose = ANY($2::text[]) AND s.channel = ANY($3::text[])`,
      [subjectRef, purposes, channels],
    );
  }

  /** Withdrawal of purchase_history: its releases count as revoked, their facts and all they fed go. */
  async deletePurchaseHistory(tx: EntityManager, subjectRef: string): Promise<void> {
    await tx.query(
      `INSERT INTO revoked_releases (release_id)
       SELECT DISTINCT release_id FROM released_facts WHERE subject_ref = $1
       ON CONFLICT DO NOTHING`,
      [subjectRef],
    );
    await tx.query('DELETE FROM released_facts WHERE subject_ref = $1', [subjectRef]);
    await this.deleteDerived(tx, subjectRef);
  }

  /** Withdrawal of sensitive_profiling (R2): sensitive facts go, and every tag recomputes without them. */
  async deleteSensitive(tx: EntityManager, subjectRef: string): Promise<void> {
    await tx.query('DELETE FROM released_facts WHERE subject_ref = $1 AND sensitive', [subjectRef]);
    await this.deleteDerived(tx, subjectRef);
  }

  /**
   * No marketing purpose left: only the suppression record stays (member_consents with granted =
   * false and the ledger sequence, so a late, older grant cannot resurrect the member).
   */
  async deleteAllButSuppression(tx: EntityManager, subjectRef: string): Promise<void> {
    await this.deletePurchaseHistory(tx, subjectRef);
    await tx.query('DELETE FROM member_category_optouts WHERE subject_ref = $1', [subjectRef]);
    await tx.query('DELETE FROM member_preference_marks WHERE subject_ref = $1', [subjectRef]);
    await tx.query('DELETE FROM dirty_members WHERE subject_ref = $1', [subjectRef]);
    await tx.query('DELETE FROM member_changes WHERE subject_ref = $1', [subjectRef]);
    // R15: an agency's page cursor stands for a member; it goes with the member.
    await tx.query('DELETE FROM processor_page_cursors WHERE after_subject_ref = $1', [subjectRef]);
    await tx.query(
      'UPDATE member_consents SET evidence_ref = NULL, effective_at = NULL WHERE subject_ref = $1',
      [subjectRef],
    );
    await tx.query('DELETE FROM members WHERE subject_ref = $1', [subjectRef]);
  }

  /** Recompute this member's features and tags at the next refresh (incremental, set-based). */
  async markDirty(tx: EntityManager, brandId: string, subjectRef: string): Promise<void> {
    await tx.query(
      `INSERT INTO dirty_members (subject_ref, brand_id)
       SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM members WHERE subject_ref = $1)
       ON CONFLICT (subject_ref) DO UPDATE SET marked_at = now()`,
      [subjectRef, brandId],
    );
  }
}

/** The brand-wide lock between materialisations (exclusive) and member data changes (shared). */
export const evaluationLockKey = (brandId: string) => `audience-evaluation:${brandId}`;

/**
 * R11: a member deleted from a segment's current version without a new version would stay in
 * every consumer's copy until some other change. The segments the member is currently in are
 * marked (whole_owed), and their next refresh publishes the whole version, even when its
 * evaluation finds nothing new. Call before deleting the memberships.
 */
export async function markWholeVersionOwed(
  tx: EntityManager,
  subjectRef: string,
  closedCategories?: string[],
): Promise<void> {
  await tx.query(
    `UPDATE segments s SET whole_owed = true
      WHERE EXISTS (SELECT 1 FROM segment_members sm
                     WHERE sm.segment_id = s.id AND sm.subject_ref = $1 AND sm.to_version IS NULL)
        AND ($2::text[] IS NULL OR s.categories && $2::text[])`,
    [subjectRef, closedCategories ?? null],
  );
}
