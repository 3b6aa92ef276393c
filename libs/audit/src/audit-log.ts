import type { EntityManager } from 'typeorm';
import { canonicalJson, chainHash, verifyChain, type ChainVerdict } from '@siyu/crypto';

export interface AuditEntry {
  /** Who: an account, API key or service-internal actor id. Never a customer's PII. */
  actor: string;
  action: string;
  purpose: string;
  /** Opaque reference (order ref, subject ref). */
  subject: string;
  fields: string[];
  outcome: 'allowed' | 'refused';
}

/** Serialises appenders (and the anchor job, which must see one head and one count). */
export const AUDIT_APPEND_LOCK = 0x5a17a0d1;

/** Appends in the caller's transaction (STYLE rule 4): the read and its trace commit together. */
export async function appendAudit(tx: EntityManager, entry: AuditEntry): Promise<void> {
  // Serialise appenders so each entry links to the one before it.
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_APPEND_LOCK]);
  const [last] = await tx.query('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const at = new Date().toISOString();
  const body = canonicalJson({ at, ...entry });
  const prev: string | null = last?.hash ?? null;
  await tx.query(
    `INSERT INTO audit_log (at, actor, action, purpose, subject, fields, outcome, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      at,
      entry.actor,
      entry.action,
      entry.purpose,
      entry.subject,
      entry.fields,
      entry.outcome,
      prev,
      chainHash(prev, body),
    ],
  );
}

/**
 * Many entries in one statement, chained in order (bulk paths such as a campaign chunk: one entry
 * per decrypted contact point, three statements whatever the count).
 */
export async function appendAuditMany(tx: EntityManager, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_APPEND_LOCK]);
  const [last] = await tx.query('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const at = new Date().toISOString();
  let prev: string | null = last?.hash ?? null;
  const prevs: (string | null)[] = [];
  const hashes: string[] = [];
  for (const entry of entries) {
    prevs.push(prev);
    prev = chainHash(prev, canonicalJson({ at, ...entry }));
    hashes.push(prev);
  }
  await tx.query(
    `INSERT INTO audit_log (at, actor, action, purpose, subject, fields, outcome, prev_hash, hash)
     SELECT $1, v.actor, v.action, v.purpose, v.subject, string_to_array(v.fields, ','), v.outcome, v.prev_hash, v.hash
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
            WITH ORDINALITY AS v (actor, action, purpose, subject, fields, outcome, prev_hash, hash, n)
      ORDER BY v.n`,
    [
      at,
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => e.purpose),
      entries.map((e) => e.subject),
      entries.map((e) => e.fields.join(',')),
      entries.map((e) => e.outcome),
      prevs,
      hashes,
    ],
  );
}

export interface AuditRow extends AuditEntry {
  seq: string;
  at: string;
}

export async function readAudit(tx: EntityManager, subject?: string): Promise<AuditRow[]> {
  const rows = await tx.query(
    `SELECT seq, at, actor, action, purpose, subject, fields, outcome FROM audit_log
      WHERE $1::text IS NULL OR subject = $1 ORDER BY seq`,
    [subject ?? null],
  );
  return rows.map((r: AuditRow & { at: Date }) => ({ ...r, at: new Date(r.at).toISOString() }));
}

/** Walks the chain; reports the first entry whose hash does not follow from its body and predecessor. */
export async function verifyAuditTrail(
  tx: EntityManager,
): Promise<ChainVerdict & { entries: number; brokenSeq?: string }> {
  const rows: (AuditRow & { at: Date; hash: string })[] = await tx.query(
    'SELECT seq, at, actor, action, purpose, subject, fields, outcome, hash FROM audit_log ORDER BY seq',
  );
  const links = rows.map((r) => ({
    body: canonicalJson({
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      action: r.action,
      purpose: r.purpose,
      subject: r.subject,
      fields: r.fields,
      outcome: r.outcome,
    }),
    hash: r.hash,
  }));
  const verdict = verifyChain(links);
  return verdict.intact
    ? { ...verdict, entries: rows.length }
    : { ...verdict, entries: rows.length, brokenSeq: rows[verdict.brokenAt].seq };
}
