import type { EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';

export class MemberRepository {
  /** Moves each purpose × channel to `granted` unless a newer ledger entry already applied. */
  async applyConsent(
    tx: EntityManager,
    brandId: string,
    subjectRef: string,
    purposes: Purpose[],
    channels: Channel[],
    granted: boolean,
    seq: number,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO member_consents (subject_ref, brand_id, purpose, channel, granted, ledger_seq)
       SELECT $1, $2, p, c, $5, $6 FROM unnest($3::text[]) p, unnest($4::text[]) c
       ON CONFLICT (subject_ref, purpose, channel) DO UPDATE
         SET granted = EXCLUDED.granted, ledger_seq = EXCLUDED.ledger_seq
       WHERE member_consents.ledger_seq < EXCLUDED.ledger_seq`,
      [subjectRef, brandId, purposes, channels, granted, seq],
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

  /** R10: with no active consent left, the member's marketing data goes. */
  async removeIfNoConsentLeft(tx: EntityManager, subjectRef: string): Promise<void> {
    await tx.query(
      'DELETE FROM members WHERE subject_ref = $1 AND NOT EXISTS (SELECT 1 FROM member_consents WHERE subject_ref = $1 AND granted)',
      [subjectRef],
    );
  }
}
