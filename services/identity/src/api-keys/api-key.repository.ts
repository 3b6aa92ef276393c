import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { MachineRole } from '@siyu/auth';
import type { EntityManager } from 'typeorm';

export interface ApiKey {
  id: string;
  name: string;
  role: MachineRole;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** Role `processor` only (R15): the grant the key is bound to. */
  grantId: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  role: MachineRole;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  grant_id: string | null;
}

const COLUMNS = 'id, name, role, created_at, last_used_at, revoked_at, grant_id';

@Injectable()
export class ApiKeyRepository {
  async insert(
    tx: EntityManager,
    key: { name: string; role: MachineRole; keySha256: string; createdBy: string; grantId?: string },
  ): Promise<ApiKey> {
    const [row] = await tx.query(
      `INSERT INTO api_keys (id, name, role, key_sha256, created_by, grant_id) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${COLUMNS}`,
      [randomUUID(), key.name, key.role, key.keySha256, key.createdBy, key.grantId ?? null],
    );
    return toApiKey(row);
  }

  /** The unrevoked key with this hash, marked as used now; null for unknown or revoked keys. */
  async touchActiveKey(tx: EntityManager, keySha256: string): Promise<ApiKey | null> {
    const [rows] = await tx.query(
      `UPDATE api_keys SET last_used_at = now() WHERE key_sha256 = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [keySha256],
    );
    return rows?.[0] ? toApiKey(rows[0]) : null;
  }

  /** The key with this hash, revoked or not (provisioning never resurrects a revoked key). */
  async findByHash(tx: EntityManager, keySha256: string): Promise<ApiKey | null> {
    const rows = await tx.query(`SELECT ${COLUMNS} FROM api_keys WHERE key_sha256 = $1`, [keySha256]);
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  /** Idempotent: revoking twice keeps the first time and revoker. False when no such key. */
  async revoke(tx: EntityManager, id: string, revokedBy: string): Promise<boolean> {
    const [rows] = await tx.query(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $2)
        WHERE id = $1 RETURNING id`,
      [id, revokedBy],
    );
    return rows.length > 0;
  }

  async listAll(tx: EntityManager): Promise<ApiKey[]> {
    const rows: ApiKeyRow[] = await tx.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`);
    return rows.map(toApiKey);
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    grantId: row.grant_id,
  };
}
