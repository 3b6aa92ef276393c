import type { EntityManager } from 'typeorm';

export interface OutreachCounts {
  consents: number;
  contactPoints: number;
  sends: number;
  texts: number;
  suppressions: number;
  segments: number;
  timeZones: number;
}

/** What outreach holds on one subject (R14); the only SQL of the feature. */
export class SubjectOutreachDataRepository {
  async countAllOf(tx: EntityManager, subjectRef: string): Promise<OutreachCounts> {
    const [row] = await tx.query(
      `SELECT (SELECT count(*) FROM consent_projection WHERE subject_ref = $1)::int AS consents,
              (SELECT count(*) FROM contact_points WHERE subject_ref = $1)::int AS "contactPoints",
              ((SELECT count(*) FROM sends WHERE subject_ref = $1)
                + (SELECT count(*) FROM legacy_sends WHERE subject_ref = $1))::int AS sends,
              (SELECT count(*) FROM sandbox_sms t JOIN sends s ON s.send_id = t.send_id
                WHERE s.subject_ref = $1)::int AS texts,
              (SELECT count(*) FROM suppressions WHERE subject_ref = $1)::int AS suppressions,
              (SELECT count(*) FROM segment_members WHERE subject_ref = $1)::int AS segments,
              (SELECT count(*) FROM recipient_time_zones WHERE subject_ref = $1)::int AS "timeZones"`,
      [subjectRef],
    );
    return row;
  }

  /**
   * Erasure: the contact points, segment memberships, time zone and the texts' copies (masked phone,
   * body) go; planned sends are blocked; the consent copy is turned off so the gate refuses whatever
   * order the withdrawal arrives in. Kept as proof: the send log (no phone, no content), suppressions.
   */
  async erase(tx: EntityManager, subjectRef: string): Promise<void> {
    await tx.query(
      'UPDATE consent_projection SET granted = false, updated_at = now() WHERE subject_ref = $1',
      [subjectRef],
    );
    await tx.query('DELETE FROM contact_points WHERE subject_ref = $1', [subjectRef]);
    await tx.query('DELETE FROM segment_members WHERE subject_ref = $1', [subjectRef]);
    await tx.query('DELETE FROM recipient_time_zones WHERE subject_ref = $1', [subjectRef]);
    await tx.query(
      'DELETE FROM sandbox_sms t USING sends s WHERE s.send_id = t.send_id AND s.subject_ref = $1',
      [subjectRef],
    );
    await tx.query(
      `UPDATE sends SET state = 'blocked', reason = 'erasure_requested', updated_at = clock_timestamp()
        WHERE subject_ref = $1 AND state = 'planned'`,
      [subjectRef],
    );
  }

  /**
   * Correction (R14): the recipient's time zone for quiet hours, for a subject outreach holds a
   * consent copy of, and only a zone PostgreSQL knows (the gate statement reads it).
   */
  async correctTimeZone(
    tx: EntityManager,
    subjectRef: string,
    zone: string,
  ): Promise<'corrected' | 'not_held' | 'unknown_zone'> {
    const [held] = await tx.query('SELECT 1 FROM consent_projection WHERE subject_ref = $1 LIMIT 1', [
      subjectRef,
    ]);
    if (!held) return 'not_held';
    const rows: unknown[] = await tx.query(
      `INSERT INTO recipient_time_zones (subject_ref, time_zone)
       SELECT $1, name FROM pg_timezone_names WHERE name = $2 LIMIT 1
       ON CONFLICT (subject_ref) DO UPDATE SET time_zone = EXCLUDED.time_zone
       RETURNING 1`,
      [subjectRef, zone],
    );
    return rows.length > 0 ? 'corrected' : 'unknown_zone';
  }
}
