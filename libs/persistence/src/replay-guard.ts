import type { EntityManager } from 'typeorm';

const TABLE = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Replay guard for signed webhooks: records (scope, nonce) for `lifetimeSeconds` and answers false
 * when the pair was already seen inside its lifetime. Sweeps a few expired rows on each call. The
 * table (in the caller's schema) has columns scope text, nonce text, expires_at timestamptz and a
 * unique (scope, nonce).
 */
export async function rememberNonce(
  tx: EntityManager,
  table: string,
  scope: string,
  nonce: string,
  lifetimeSeconds: number,
): Promise<boolean> {
  if (!TABLE.test(table)) throw new Error(`invalid nonce table name "${table}"`);
  await tx.query(
    `DELETE FROM ${table} WHERE ctid IN (
       SELECT ctid FROM ${table} WHERE expires_at < now() LIMIT 20 FOR UPDATE SKIP LOCKED)`,
  );
  const rows = await tx.query(
    `INSERT INTO ${table} (scope, nonce, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (scope, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at
       WHERE ${table}.expires_at < now()
     RETURNING nonce`,
    [scope, nonce, lifetimeSeconds],
  );
  return rows.length === 1;
}
