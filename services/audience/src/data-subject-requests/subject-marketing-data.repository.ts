import type { EntityManager } from 'typeorm';

export interface AudienceCounts {
  members: number;
  consents: number;
  facts: number;
  features: number;
  tags: number;
  segments: number;
  optouts: number;
  marks: number;
}

/** What audience holds on one subject, counted table by table (R14); the only SQL of the feature. */
export class SubjectMarketingDataRepository {
  async countAllOf(tx: EntityManager, subjectRef: string): Promise<AudienceCounts> {
    const [row] = await tx.query(
      `SELECT (SELECT count(*) FROM members WHERE subject_ref = $1)::int AS members,
              (SELECT count(*) FROM member_consents WHERE subject_ref = $1)::int AS consents,
              (SELECT count(*) FROM released_facts WHERE subject_ref = $1)::int AS facts,
              (SELECT count(*) FROM member_features WHERE subject_ref = $1)::int AS features,
              (SELECT count(*) FROM member_tags WHERE subject_ref = $1)::int AS tags,
              (SELECT count(*) FROM segment_members WHERE subject_ref = $1)::int AS segments,
              (SELECT count(*) FROM member_category_optouts WHERE subject_ref = $1)::int AS optouts,
              (SELECT count(*) FROM member_preference_marks WHERE subject_ref = $1)::int AS marks`,
      [subjectRef],
    );
    return row;
  }

  /**
   * Erasure keeps only the suppression record R10 already keeps: member_consents rows turned off,
   * evidence emptied, with their ledger sequence so a late, older grant cannot bring the member back.
   */
  async turnOffConsents(tx: EntityManager, subjectRef: string): Promise<void> {
    await tx.query(
      'UPDATE member_consents SET granted = false, evidence_ref = NULL, effective_at = NULL WHERE subject_ref = $1',
      [subjectRef],
    );
  }
}
