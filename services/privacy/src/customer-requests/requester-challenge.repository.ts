import type { EntityManager } from 'typeorm';

export interface RequesterChallenge {
  id: string;
  kind: string;
  locale: string;
  codeHash: string;
  attempts: number;
  expiresAt: Date;
  resolvedAt: Date | null;
  subjectRef: string | null;
  /** A `correct` request's corrected time zone (R14). */
  correctionValue: string | null;
}

/** The only SQL over requester challenges and consent's seal key. */
export class RequesterChallengeRepository {
  async saveSealKey(tx: EntityManager, brandId: string, kid: string, publicKey: string, at: Date) {
    await tx.query(
      `INSERT INTO requester_seal_keys (brand_id, kid, public_key, received_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (brand_id) DO UPDATE SET kid = EXCLUDED.kid, public_key = EXCLUDED.public_key,
         received_at = EXCLUDED.received_at`,
      [brandId, kid, publicKey, at],
    );
  }

  async findSealKey(tx: EntityManager, brandId: string): Promise<{ kid: string; publicKey: string } | null> {
    const [row] = await tx.query(
      'SELECT kid, public_key AS "publicKey" FROM requester_seal_keys WHERE brand_id = $1',
      [brandId],
    );
    return row ?? null;
  }

  async insert(
    tx: EntityManager,
    c: {
      id: string;
      brandId: string;
      kind: string;
      locale: string;
      codeHash: string;
      at: Date;
      ttlMs: number;
      correctionValue?: string;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO requester_challenges (id, brand_id, kind, locale, code_hash, created_at, expires_at, correction_value)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        c.id,
        c.brandId,
        c.kind,
        c.locale,
        c.codeHash,
        c.at,
        new Date(c.at.getTime() + c.ttlMs),
        c.correctionValue ?? null,
      ],
    );
  }

  /** Consent's answer: which subject the phone verified (null for a stranger). First answer wins. */
  async recordResolution(tx: EntityManager, id: string, subjectRef: string | null, at: Date): Promise<void> {
    await tx.query(
      'UPDATE requester_challenges SET resolved_at = $2, subject_ref = $3 WHERE id = $1 AND resolved_at IS NULL',
      [id, at, subjectRef],
    );
  }

  async lock(tx: EntityManager, id: string): Promise<RequesterChallenge | null> {
    const [row] = await tx.query(
      `SELECT id, kind, locale, code_hash AS "codeHash", attempts, expires_at AS "expiresAt",
              resolved_at AS "resolvedAt", subject_ref AS "subjectRef", correction_value AS "correctionValue"
         FROM requester_challenges WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row ?? null;
  }

  async recordAttempt(tx: EntityManager, id: string): Promise<void> {
    await tx.query('UPDATE requester_challenges SET attempts = attempts + 1 WHERE id = $1', [id]);
  }

  async delete(tx: EntityManager, id: string): Promise<void> {
    await tx.query('DELETE FROM requester_challenges WHERE id = $1', [id]);
  }

  /** Challenges nobody finished: gone a day after they expired (they hold a subject ref). */
  async deleteExpiredBefore(tx: EntityManager, before: Date): Promise<void> {
    await tx.query('DELETE FROM requester_challenges WHERE expires_at < $1', [before]);
  }
}
