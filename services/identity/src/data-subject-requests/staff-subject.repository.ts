import type { EntityManager } from 'typeorm';

/**
 * A data subject is staff when the subject ref the officer logged is a staff account id (staff have
 * no consent subject ref); the only SQL of the feature.
 */
export class StaffSubjectRepository {
  async lockAccount(
    tx: EntityManager,
    id: string,
  ): Promise<{ id: string; disabled: boolean; keysCreated: number } | null> {
    const [row] = await tx.query(
      `SELECT id, disabled, (SELECT count(*) FROM api_keys WHERE created_by = $2)::int AS "keysCreated"
         FROM staff_accounts WHERE id = $1 FOR UPDATE`,
      [id, id],
    );
    return row ?? null;
  }

  /**
   * Erasure: the account is disabled, its username replaced by a neutral one and its password hash
   * by a hash of a random secret; the id stays, because every service's audit trail names it (R20).
   */
  async anonymise(tx: EntityManager, id: string, passwordHash: string): Promise<void> {
    await tx.query(
      `UPDATE staff_accounts SET disabled = true, username = 'erased-' || replace($3, '-', ''),
              password_hash = $2, password_changed_at = now() WHERE id = $1`,
      [id, passwordHash, id],
    );
  }

  /** R19: staff accounts not anonymised by an erasure (each is one person). */
  async countStaff(tx: EntityManager): Promise<number> {
    const [row] = await tx.query(
      "SELECT count(*)::int AS n FROM staff_accounts WHERE username NOT LIKE 'erased-%'",
    );
    return row.n;
  }
}
