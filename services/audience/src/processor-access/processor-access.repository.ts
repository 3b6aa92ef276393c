import type { EntityManager } from 'typeorm';

export interface PseudonymousMember {
  /** Stays inside audience: only `memberRef` leaves it. */
  subjectRef: string;
  memberRef: string;
}

export interface GrantedTagValue {
  subjectRef: string;
  tagKey: string;
  category: string;
  value: number | string | null;
}

/** The only SQL of the processor routes (R15). */
export class ProcessorAccessRepository {
  async segmentExists(tx: EntityManager, brandId: string, segmentId: string): Promise<boolean> {
    const rows = await tx.query('SELECT 1 FROM segments WHERE id = $1 AND brand_id = $2', [
      segmentId,
      brandId,
    ]);
    return rows.length > 0;
  }

  /**
   * One page of a segment's current members who still consent to the segment's purpose and channel,
   * in subject-ref order (the index `segment_members_current`), each with its per-grant pseudonym
   * (sha256 of grant id and subject ref: stable within a grant, not joinable across grants).
   */
  async pageOfMembers(
    tx: EntityManager,
    q: { brandId: string; segmentId: string; grantId: string; afterSubjectRef: string | null; limit: number },
  ): Promise<PseudonymousMember[]> {
    return tx.query(
      `SELECT sm.subject_ref AS "subjectRef",
              encode(sha256(convert_to($3 || ':' || sm.subject_ref::text, 'UTF8')), 'hex') AS "memberRef"
         FROM segment_members sm
         JOIN segments s ON s.id = sm.segment_id AND s.brand_id = $2
        WHERE sm.segment_id = $1 AND sm.to_version IS NULL
          AND ($4::uuid IS NULL OR sm.subject_ref > $4)
          AND EXISTS (SELECT 1 FROM member_consents c
                       WHERE c.subject_ref = sm.subject_ref AND c.purpose = s.purpose
                         AND c.channel = s.channel AND c.granted)
        ORDER BY sm.subject_ref LIMIT $5`,
      [q.segmentId, q.brandId, q.grantId, q.afterSubjectRef, q.limit],
    );
  }

  /** A random token standing for "after this member"; tokens older than a day are purged on the way. */
  async saveCursor(
    tx: EntityManager,
    c: { token: string; grantId: string; segmentId: string; afterSubjectRef: string },
  ): Promise<void> {
    await tx.query(`DELETE FROM processor_page_cursors WHERE created_at < now() - interval '1 day'`);
    await tx.query(
      `INSERT INTO processor_page_cursors (token, grant_id, segment_id, after_subject_ref) VALUES ($1, $2, $3, $4)`,
      [c.token, c.grantId, c.segmentId, c.afterSubjectRef],
    );
  }

  /** The member a cursor stands for, only for the grant and segment it was given for, and under a day old. */
  async findCursor(
    tx: EntityManager,
    token: string,
    grantId: string,
    segmentId: string,
  ): Promise<string | null> {
    const rows = await tx.query(
      `SELECT after_subject_ref AS "afterSubjectRef" FROM processor_page_cursors
        WHERE token = $1 AND grant_id = $2 AND segment_id = $3 AND created_at >= now() - interval '1 day'`,
      [token, grantId, segmentId],
    );
    return rows[0]?.afterSubjectRef ?? null;
  }

  /** Tag values of the given categories; never a sensitive tag, never a category the member closed (R11). */
  async tagValues(
    tx: EntityManager,
    subjectRefs: string[],
    categories: string[],
  ): Promise<GrantedTagValue[]> {
    if (subjectRefs.length === 0 || categories.length === 0) return [];
    return tx.query(
      `SELECT mt.subject_ref AS "subjectRef", mt.tag_key AS "tagKey", mt.category,
              coalesce(to_jsonb(mt.value_num), to_jsonb(mt.value_text)) AS value
         FROM member_tags mt
         JOIN tag_definitions d ON d.brand_id = mt.brand_id AND d.key = mt.tag_key AND d.version = mt.tag_version
        WHERE mt.subject_ref = ANY($1::uuid[]) AND mt.category = ANY($2::text[]) AND NOT d.sensitive
          AND NOT EXISTS (SELECT 1 FROM member_category_optouts o
                           WHERE o.subject_ref = mt.subject_ref AND o.category = mt.category)
        ORDER BY mt.tag_key`,
      [subjectRefs, categories],
    );
  }

  /** Channels each member consents on for the segment's purpose. */
  async consentedChannels(
    tx: EntityManager,
    segmentId: string,
    subjectRefs: string[],
  ): Promise<{ subjectRef: string; channels: string[] }[]> {
    if (subjectRefs.length === 0) return [];
    return tx.query(
      `SELECT c.subject_ref AS "subjectRef", array_agg(c.channel ORDER BY c.channel) AS channels
         FROM member_consents c JOIN segments s ON s.id = $1 AND c.purpose = s.purpose
        WHERE c.subject_ref = ANY($2::uuid[]) AND c.granted
        GROUP BY c.subject_ref`,
      [segmentId, subjectRefs],
    );
  }

  async hasEnded(tx: EntityManager, grantId: string): Promise<boolean> {
    const rows = await tx.query('SELECT 1 FROM processor_grant_endings WHERE grant_id = $1', [grantId]);
    return rows.length > 0;
  }

  /** Redelivery-safe; the earliest end wins. */
  async recordEnding(tx: EntityManager, grantId: string, endedAt: Date): Promise<void> {
    await tx.query(
      `INSERT INTO processor_grant_endings (grant_id, ended_at) VALUES ($1, $2)
       ON CONFLICT (grant_id) DO UPDATE SET ended_at = least(processor_grant_endings.ended_at, EXCLUDED.ended_at)`,
      [grantId, endedAt],
    );
  }
}
