import type { EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';

export interface ConsentRef {
  purpose: Purpose;
  channel: Channel;
  granted: boolean;
  ledgerSeq: number;
  evidenceRef: string | null;
  effectiveAt: string | null;
}

export class MemberRepository {
  /**
   * Moves each purpose × channel to `granted` unless a newer ledger entry already applied. A grant
   * remembers its ledger entry (sequence + evidence ref) for lineage; a withdrawal forgets it.
   */
  async applyConsent(
    tx: EntityManager,
    brandId: string,
    subjectRef: string,
    purposes: Purpose[],
    channels: Channel[],
    granted: boolean,
    seq: number,
    evidence: { evidenceRef: string; effectiveAt: string } | null = null,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO member_consents (subject_ref, brand_id, purpose, channel, granted, ledger_seq, evidence_ref, effective_at)
       SELECT $1, $2, p, c, $5, $6, $7, $8 FROM unnest($3::text[]) p, unnest($4::text[]) c
       ON CONFLICT (subject_ref, purpose, channel) DO UPDATE
         SET granted = EXCLUDED.granted, ledger_seq = EXCLUDED.ledger_seq,
             evidence_ref = EXCLUDED.evidence_ref, effective_at = EXCLUDED.effective_at
       WHERE member_consents.ledger_seq < EXCLUDED.ledger_seq`,
      [
        subjectRef,
        brandId,
        purposes,
        channels,
        granted,
        seq,
        evidence?.evidenceRef ?? null,
        evidence?.effectiveAt ?? null,
      ],
    );
  }

  /** Creates the member if, and only if, some consent is active for them now. */
  async admitIfConsented(tx: EntityManager, brandId: string, subjectRef: string): Promise<void> {
    await tx.query(
      `INSERT INTO members (subject_ref, brand_id)
       SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM member_consents WHERE subject_ref = $1 AND granted)
       ON CONFLICT DO NOTHING`,
      [subjectRef, brandId],
    );
  }

  /**
   * The member row's copy of its active consents and closed categories, which segment guards read
   * (see migration 203). Every writer of member_consents / member_category_optouts calls this in
   * its transaction, after locking the member.
   */
  async syncEvaluationColumns(tx: EntityManager, subjectRef: string): Promise<void> {
    await tx.query(
      `UPDATE members m SET
         grants = COALESCE((SELECT array_agg(c.purpose || ':' || c.channel ORDER BY 1) FROM member_consents c
                             WHERE c.subject_ref = m.subject_ref AND c.granted), '{}'),
         closed_categories = COALESCE((SELECT array_agg(o.category ORDER BY 1) FROM member_category_optouts o
                                        WHERE o.subject_ref = m.subject_ref), '{}')
       WHERE m.subject_ref = $1`,
      [subjectRef],
    );
  }

  /** Purposes with at least one channel still granted. */
  async activePurposes(tx: EntityManager, subjectRef: string): Promise<Purpose[]> {
    const rows: { purpose: Purpose }[] = await tx.query(
      'SELECT DISTINCT purpose FROM member_consents WHERE subject_ref = $1 AND granted ORDER BY purpose',
      [subjectRef],
    );
    return rows.map((r) => r.purpose);
  }

  async consentsOf(tx: EntityManager, subjectRef: string): Promise<ConsentRef[]> {
    const rows: {
      purpose: Purpose;
      channel: Channel;
      granted: boolean;
      ledger_seq: string;
      evidence_ref: string | null;
      effective_at: Date | null;
    }[] = await tx.query(
      `SELECT purpose, channel, granted, ledger_seq, evidence_ref, effective_at
         FROM member_consents WHERE subject_ref = $1 ORDER BY purpose, channel`,
      [subjectRef],
    );
    return rows.map((r) => ({
      purpose: r.purpose,
      channel: r.channel,
      granted: r.granted,
      ledgerSeq: Number(r.ledger_seq),
      evidenceRef: r.evidence_ref,
      effectiveAt: r.effective_at?.toISOString() ?? null,
    }));
  }

  async brandOf(tx: EntityManager, subjectRef: string): Promise<string | null> {
    const [r] = await tx.query('SELECT brand_id FROM members WHERE subject_ref = $1', [subjectRef]);
    return r?.brand_id ?? null;
  }
}
