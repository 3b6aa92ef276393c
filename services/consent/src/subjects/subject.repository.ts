import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Sealed } from '@siyu/crypto';

/**
 * Subjects are found by a blind index of their verified contact, never by the contact itself: a
 * phone (`ConsentKeys.phoneIndex`) or a WeChat openid (`ConsentKeys.openidSubjectIndex`), in separate
 * index domains. The columns `phone_index` / `sealed_phone` are named from before openids.
 */
export class SubjectRepository {
  async findOrCreate(
    tx: EntityManager,
    brandId: string,
    contactIndex: string,
    sealContact: (subjectRef: string) => Sealed,
  ): Promise<string> {
    const found = await this.findByContactIndex(tx, brandId, contactIndex);
    if (found) return found;
    const subjectRef = randomUUID();
    const [row] = await tx.query(
      `INSERT INTO subjects (subject_ref, brand_id, phone_index, sealed_phone) VALUES ($1, $2, $3, $4)
       ON CONFLICT (brand_id, phone_index) DO UPDATE SET brand_id = EXCLUDED.brand_id RETURNING subject_ref`,
      [subjectRef, brandId, contactIndex, sealContact(subjectRef)],
    );
    return row.subject_ref;
  }

  /** Sealed contact points whose value does not start with `currentPrefix`, locked, in ref order. */
  async lockContactsNotSealedUnder(
    tx: EntityManager,
    currentPrefix: string,
    afterRef: string | null,
    limit: number,
  ): Promise<{ subjectRef: string; sealed: string }[]> {
    const rows: { subject_ref: string; sealed_phone: string }[] = await tx.query(
      `SELECT subject_ref, sealed_phone FROM subjects
        WHERE left(sealed_phone, length($1)) <> $1 AND ($2::uuid IS NULL OR subject_ref > $2::uuid)
        ORDER BY subject_ref
        LIMIT $3
        FOR UPDATE`,
      [currentPrefix, afterRef, limit],
    );
    return rows.map((r) => ({ subjectRef: r.subject_ref, sealed: r.sealed_phone }));
  }

  /** The same contact points sealed again (key rotation); answers how many rows changed. */
  async replaceSealedContacts(
    tx: EntityManager,
    rows: { subjectRef: string; sealed: Sealed }[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    // A CTE, so the driver answers rows (a bare UPDATE answers [rows, count]).
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS v(subject_ref, sealed)),
            u AS (UPDATE subjects s SET sealed_phone = v.sealed FROM v WHERE s.subject_ref = v.subject_ref RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [rows.map((r) => r.subjectRef), rows.map((r) => r.sealed)],
    );
    return n;
  }

  findByPhoneIndex(tx: EntityManager, brandId: string, phoneIndex: string): Promise<string | null> {
    return this.findByContactIndex(tx, brandId, phoneIndex);
  }

  findByOpenidIndex(tx: EntityManager, brandId: string, openidIndex: string): Promise<string | null> {
    return this.findByContactIndex(tx, brandId, openidIndex);
  }

  /** By any contact's blind index (phone, openid, WeCom external user: separate index domains). */
  async findByContactIndex(tx: EntityManager, brandId: string, index: string): Promise<string | null> {
    const [found] = await tx.query(
      'SELECT subject_ref FROM subjects WHERE brand_id = $1 AND phone_index = $2',
      [brandId, index],
    );
    return found?.subject_ref ?? null;
  }

  /** Known to this brand: a verified contact (door 2) or any ledger entry (either door). */
  async exists(tx: EntityManager, brandId: string, subjectRef: string): Promise<boolean> {
    const rows = await tx.query(
      `SELECT 1 FROM subjects WHERE brand_id = $1 AND subject_ref = $2
       UNION ALL SELECT 1 FROM ledger WHERE brand_id = $1 AND subject_ref = $2 LIMIT 1`,
      [brandId, subjectRef],
    );
    return rows.length > 0;
  }
}
