import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export interface OpenChallenge {
  id: string;
  codeHash: string;
  attempts: number;
}

export class OtpRepository {
  async countSince(
    tx: EntityManager,
    column: 'phone_index' | 'token_id',
    value: string,
    since: Date,
  ): Promise<number> {
    const [{ n }] = await tx.query(
      `SELECT count(*)::int AS n FROM otp_challenges WHERE ${column} = $1 AND created_at > $2`,
      [value, since],
    );
    return n;
  }

  async create(
    tx: EntityManager,
    tokenId: string,
    phoneIndex: string,
    codeHash: (id: string) => string,
    ttlSeconds: number,
  ): Promise<string> {
    const id = randomUUID();
    await tx.query(
      `INSERT INTO otp_challenges (id, token_id, phone_index, code_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [id, tokenId, phoneIndex, codeHash(id), ttlSeconds],
    );
    return id;
  }

  async findOpen(tx: EntityManager, tokenId: string, phoneIndex: string): Promise<OpenChallenge | null> {
    const [row] = await tx.query(
      `SELECT id, code_hash, attempts FROM otp_challenges
        WHERE token_id = $1 AND phone_index = $2 AND used_at IS NULL AND expires_at > now()
        ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [tokenId, phoneIndex],
    );
    return row ? { id: row.id, codeHash: row.code_hash, attempts: row.attempts } : null;
  }

  async recordAttempt(tx: EntityManager, id: string): Promise<void> {
    await tx.query('UPDATE otp_challenges SET attempts = attempts + 1 WHERE id = $1', [id]);
  }

  async markUsed(tx: EntityManager, id: string): Promise<void> {
    await tx.query('UPDATE otp_challenges SET used_at = now() WHERE id = $1', [id]);
  }
}
