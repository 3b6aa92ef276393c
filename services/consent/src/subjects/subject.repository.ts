import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Sealed } from '@siyu/crypto';

/** Subjects are found by a blind index of their phone, never by the phone itself. */
export class SubjectRepository {
  async findOrCreate(
    tx: EntityManager,
    brandId: string,
    phoneIndex: string,
    sealPhone: (subjectRef: string) => Sealed,
  ): Promise<string> {
    const [found] = await tx.query(
      'SELECT subject_ref FROM subjects WHERE brand_id = $1 AND phone_index = $2',
      [brandId, phoneIndex],
    );
    if (found) return found.subject_ref;
    const subjectRef = randomUUID();
    const [row] = await tx.query(
      `INSERT INTO subjects (subject_ref, brand_id, phone_index, sealed_phone) VALUES ($1, $2, $3, $4)
       ON CONFLICT (brand_id, phone_index) DO UPDATE SET brand_id = EXCLUDED.brand_id RETURNING subject_ref`,
      [subjectRef, brandId, phoneIndex, sealPhone(subjectRef)],
    );
    return row.subject_ref;
  }

  async findByPhoneIndex(tx: EntityManager, brandId: string, phoneIndex: string): Promise<string | null> {
    const [found] = await tx.query(
      'SELECT subject_ref FROM subjects WHERE brand_id = $1 AND phone_index = $2',
      [brandId, phoneIndex],
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
