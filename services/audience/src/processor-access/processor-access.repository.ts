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
   * each as a per-grant pseudonym (sha256 of grant id and subject ref: stable within a grant, not
   * joinable across grants), ordered by that pseudonym; the cursor is the last one seen.
   */
  async pageOfMembers(
    tx: EntityManager,
    q: { brandId: string; segmentId: string; grantId: string; after: string | null; limit: number },
  ): Promise<PseudonymousMember[]> {
    return tx.query(
      `WITH current AS (
         SELECT sm.subject_ref,
                encode(sha256(convert_to($3 || ':' || sm.subject_ref::text, 'UTF8')), 'hex') AS member_ref
           FROM segment_members sm
           JOIN segments s ON s.id = sm.segment_id AND s.brand_id = $2
          WHERE sm.segment_id = $1 AND sm.to_version IS NULL
            AND EXISTS (SELECT 1 FROM member_consents c
                         WHERE c.subject_ref = sm.subject_ref AND c.purpose = s.purpose
                           AND c.channel = s.channel AND c.granted))
       SELECT subject_ref AS "subjectRef", member_ref AS "memberRef" FROM current
        WHERE $4::text IS NULL OR member_ref > $4
        ORDER BY member_ref LIMIT $5`,
      [q.segmentId, q.brandId, q.grantId, q.after, q.limit],
    );
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
