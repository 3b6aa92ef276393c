import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { StaffRole } from '@siyu/auth';
import type { EntityManager } from 'typeorm';

export interface StaffAccount {
  id: string;
  username: string;
  role: StaffRole;
  disabled: boolean;
  createdAt: Date;
}

export interface StaffCredentials extends StaffAccount {
  passwordHash: string;
}

export interface NewStaffAccount {
  username: string;
  passwordHash: string;
  role: StaffRole;
  createdBy: string;
}

interface StaffAccountRow {
  id: string;
  username: string;
  role: StaffRole;
  disabled: boolean;
  created_at: Date;
  password_hash?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Any constant works; it only has to be the same for every identity process on this database.
const FIRST_ADMIN_LOCK = 0x1d3a0001;

@Injectable()
export class StaffAccountRepository {
  async findCredentialsByUsername(tx: EntityManager, username: string): Promise<StaffCredentials | null> {
    const [row] = await tx.query('SELECT * FROM staff_accounts WHERE username = $1', [username]);
    return row ? toCredentials(row) : null;
  }

  /** Locks the row until the transaction ends, so two password changes do not interleave. */
  async lockCredentialsById(tx: EntityManager, id: string): Promise<StaffCredentials | null> {
    // Token subjects are opaque strings; only a uuid can name an account.
    if (!UUID.test(id)) return null;
    const [row] = await tx.query('SELECT * FROM staff_accounts WHERE id = $1 FOR UPDATE', [id]);
    return row ? toCredentials(row) : null;
  }

  /** Null when the username is taken. */
  async insertUnlessUsernameTaken(tx: EntityManager, account: NewStaffAccount): Promise<StaffAccount | null> {
    const [row] = await tx.query(
      `INSERT INTO staff_accounts (id, username, password_hash, role, created_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (username) DO NOTHING
       RETURNING id, username, role, disabled, created_at`,
      [randomUUID(), account.username, account.passwordHash, account.role, account.createdBy],
    );
    return row ? toAccount(row) : null;
  }

  async replacePasswordHash(tx: EntityManager, id: string, passwordHash: string): Promise<void> {
    await tx.query(
      'UPDATE staff_accounts SET password_hash = $2, password_changed_at = now() WHERE id = $1',
      [id, passwordHash],
    );
  }

  async listAll(tx: EntityManager): Promise<StaffAccount[]> {
    const rows: StaffAccountRow[] = await tx.query(
      'SELECT id, username, role, disabled, created_at FROM staff_accounts ORDER BY created_at, username',
    );
    return rows.map(toAccount);
  }

  /** Serialises first-admin creation across processes starting at once; released at commit. */
  async lockFirstAdminCreation(tx: EntityManager): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK]);
  }

  async hasEnabledAdmin(tx: EntityManager): Promise<boolean> {
    const rows = await tx.query("SELECT 1 FROM staff_accounts WHERE role = 'admin' AND NOT disabled LIMIT 1");
    return rows.length > 0;
  }

  async isUsernameTaken(tx: EntityManager, username: string): Promise<boolean> {
    const rows = await tx.query('SELECT 1 FROM staff_accounts WHERE username = $1', [username]);
    return rows.length > 0;
  }
}

function toAccount(row: StaffAccountRow): StaffAccount {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    disabled: row.disabled,
    createdAt: row.created_at,
  };
}

function toCredentials(row: StaffAccountRow & { password_hash: string }): StaffCredentials {
  return { ...toAccount(row), passwordHash: row.password_hash };
}
