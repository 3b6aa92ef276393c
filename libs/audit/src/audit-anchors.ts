import type { EntityManager } from 'typeorm';
import { canonicalJson, loadSigningKeys, type SigningKeyRing } from '@siyu/crypto';
import { AUDIT_APPEND_LOCK } from './audit-log';

export const AUDIT_ANCHOR_TYPE = 'siyu.audit-anchor.v1';

/**
 * A signed statement "the audit chain of this service had `count` entries up to seq `seq`, whose hash
 * was `hash`, at `at`" (R20). The chain alone shows an edited or removed entry but not removed newest
 * entries, nor a tail rewritten with recomputed hashes; an anchor signed with a key only that
 * service holds does (ADR 0012).
 */
export interface AuditAnchor {
  service: string;
  seq: string;
  hash: string;
  /** Entries with seq ≤ `seq` when anchored. */
  count: number;
  /** ISO 8601. */
  at: string;
  kid: string;
  /** base64url Ed25519 over `auditAnchorPayload(anchor)`. */
  signature: string;
}

/** Exactly the bytes signed: canonical JSON of everything but the signature. */
export function auditAnchorPayload(a: Omit<AuditAnchor, 'signature'>): string {
  return canonicalJson({
    type: AUDIT_ANCHOR_TYPE,
    service: a.service,
    seq: a.seq,
    hash: a.hash,
    count: a.count,
    at: a.at,
    kid: a.kid,
  });
}

/**
 * `<SERVICE>_AUDIT_ANCHOR_SIGNING_KEYS` (`kid:base64 seed,…`; the first signs): one key per service,
 * held by that service only (R16). Null when unset: the service then cannot anchor, and its verifier
 * says that stored anchors could not be checked.
 */
export function auditAnchorKeysFromEnv(
  env: Record<string, string | undefined>,
  service: string,
): SigningKeyRing | null {
  const prefix = `${service.toUpperCase()}_AUDIT_ANCHOR`;
  return env[`${prefix}_SIGNING_KEYS`]?.trim() ? loadSigningKeys(env, prefix) : null;
}

export function auditAnchorKeyName(service: string): string {
  return `${service.toUpperCase()}_AUDIT_ANCHOR_SIGNING_KEYS`;
}

interface AnchorRow {
  service: string;
  head_seq: string;
  head_hash: string;
  entry_count: string;
  anchored_at: Date;
  kid: string;
  signature: string;
}

const toAnchor = (r: AnchorRow): AuditAnchor => ({
  service: r.service,
  seq: String(r.head_seq),
  hash: r.head_hash,
  count: Number(r.entry_count),
  at: new Date(r.anchored_at).toISOString(),
  kid: r.kid,
  signature: r.signature,
});

/**
 * Signs the chain's current head and stores it, in the caller's transaction. Holds the appenders'
 * lock, so the head and the count describe one state. A head already anchored is not anchored again
 * (the job runs often; the table grows only with the chain). Null when the chain is empty.
 */
export async function anchorAuditHead(
  tx: EntityManager,
  service: string,
  keys: SigningKeyRing,
  now: Date = new Date(),
): Promise<{ anchor: AuditAnchor; recorded: boolean } | null> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_APPEND_LOCK]);
  const [head] = await tx.query(
    `SELECT seq::text AS seq, hash, (SELECT count(*) FROM audit_log)::int AS count
       FROM audit_log ORDER BY seq DESC LIMIT 1`,
  );
  if (!head) return null;
  const [latest]: AnchorRow[] = await tx.query(
    'SELECT * FROM audit_anchors ORDER BY head_seq DESC, id DESC LIMIT 1',
  );
  if (latest && String(latest.head_seq) === head.seq && latest.head_hash === head.hash)
    return { anchor: toAnchor(latest), recorded: false };
  const unsigned = {
    service,
    seq: head.seq as string,
    hash: head.hash as string,
    count: head.count as number,
    at: now.toISOString(),
    kid: keys.current.kid,
  };
  const anchor: AuditAnchor = { ...unsigned, signature: keys.sign(auditAnchorPayload(unsigned)).signature };
  await tx.query(
    `INSERT INTO audit_anchors (service, head_seq, head_hash, entry_count, anchored_at, kid, signature)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [anchor.service, anchor.seq, anchor.hash, anchor.count, anchor.at, anchor.kid, anchor.signature],
  );
  return { anchor, recorded: true };
}

export interface AnchorFindings {
  anchorsChecked: number;
  latestAnchor?: AuditAnchor;
  /** An anchored entry edited or missing (not past the head). */
  brokenSeq?: string;
  /** Set when an anchor names a head beyond the chain's: the newest entries were removed. */
  truncatedAfterSeq?: string;
  problems: string[];
}

/**
 * R20: every stored anchor must carry a valid signature of this service's key, name an entry whose
 * hash is unchanged, and count as many entries up to it as the chain holds. Checked newest first, so
 * a removed tail is reported once, for the most that is missing. Run inside the verifier's snapshot.
 */
export async function checkAuditAnchors(
  tx: EntityManager,
  service: string,
  keys: SigningKeyRing | null,
): Promise<AnchorFindings> {
  const rows: AnchorRow[] = await tx.query('SELECT * FROM audit_anchors ORDER BY head_seq DESC, id DESC');
  const findings: AnchorFindings = { anchorsChecked: rows.length, problems: [] };
  if (rows.length === 0) return findings;
  if (!keys) {
    findings.problems.push(
      `${rows.length} stored anchors could not be checked: ${auditAnchorKeyName(service)} is not set`,
    );
    return findings;
  }
  const [head] = await tx.query('SELECT seq::text AS seq FROM audit_log ORDER BY seq DESC LIMIT 1');
  // One pass over the chain for every anchored seq: its hash and its position (the entries up to it).
  const anchored: { seq: string; hash: string; count: number }[] = await tx.query(
    `SELECT seq::text AS seq, hash, count::int AS count
       FROM (SELECT seq, hash, row_number() OVER (ORDER BY seq) AS count FROM audit_log) l
      WHERE seq = ANY($1::bigint[])`,
    [rows.map((r) => String(r.head_seq))],
  );
  const at = new Map(anchored.map((r) => [r.seq, r]));
  for (const anchor of rows.map(toAnchor)) {
    const label = `anchor of ${anchor.at} (seq ${anchor.seq})`;
    if (anchor.service !== service || !keys.verify(auditAnchorPayload(anchor), anchor)) {
      findings.problems.push(
        `the stored ${label} has no valid signature of ${service}'s anchor key "${anchor.kid}": it was not written by Siyu`,
      );
      continue;
    }
    findings.latestAnchor ??= anchor;
    const found = at.get(anchor.seq);
    if (found?.hash === anchor.hash && found.count === anchor.count) continue;
    if (found && found.hash !== anchor.hash) {
      findings.brokenSeq ??= anchor.seq;
      findings.problems.push(
        `entry seq ${anchor.seq} differs from the signed ${label}: that says hash ${anchor.hash}, the chain has ${found.hash} (rewritten)`,
      );
    } else if (found) {
      findings.brokenSeq ??= anchor.seq;
      findings.problems.push(
        `the signed ${label} counts ${anchor.count} entries up to it, the chain has ${found.count}: entries were removed or inserted`,
      );
    } else if (!head || BigInt(anchor.seq) > BigInt(head.seq)) {
      if (findings.truncatedAfterSeq !== undefined) continue;
      findings.truncatedAfterSeq = head?.seq ?? '0';
      findings.problems.push(
        `${head ? `entries after seq ${head.seq}` : 'all entries'} are missing: the signed ${label} says the head was seq ${anchor.seq} with ${anchor.count} entries`,
      );
    } else {
      findings.brokenSeq ??= anchor.seq;
      findings.problems.push(`entry seq ${anchor.seq} is missing: the signed ${label} names it`);
    }
  }
  return findings;
}
