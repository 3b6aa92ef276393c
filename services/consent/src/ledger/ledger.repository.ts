import type { EntityManager } from 'typeorm';
import { chainHash } from '@siyu/crypto';
import type { Channel, ConsentDoor, Purpose, WithdrawalSource } from '@siyu/contracts';
import { entryBody, evidenceDigest } from './ledger-hash';

/** `purged` records a proof-retention purge of one subject (R10, R20): no purposes, counts only. */
export type LedgerAction = 'granted' | 'withdrawn' | 'expired' | 'purged';

export interface NewLedgerEntry {
  brandId: string;
  subjectRef: string;
  action: LedgerAction;
  purposes: Purpose[];
  channels: Channel[];
  noticeHash?: string;
  door?: ConsentDoor;
  source?: WithdrawalSource;
  /** When this grant lapses (ISO), e.g. with a membership's lifetime; covered by the hash. */
  expiresAt?: string;
  /** Minimal proof (R20): token id, how the contact was verified, hashed IP/UA. No plaintext PII. */
  evidence: Record<string, string>;
}

export interface LedgerEntry extends NewLedgerEntry {
  seq: number;
  at: string;
  hash: string;
  /** What the hash covers in place of the evidence (ADR 0005). */
  evidenceDigest: string;
  /** Set once the evidence was minimised by the proof-retention purge; `evidence` is then `{}`. */
  evidencePurgedAt?: string;
}

export interface LedgerHead {
  seq: number;
  hash: string;
}

export interface ConsentState {
  purpose: Purpose;
  channel: Channel;
  granted: boolean;
  seq: number;
}

/** The hashed fields of an entry, as append wrote them and the verifier recomputes them. */
export function bodyOf(e: Omit<LedgerEntry, 'seq' | 'hash' | 'evidence'>): string {
  return entryBody({
    brandId: e.brandId,
    subjectRef: e.subjectRef,
    action: e.action,
    purposes: e.purposes,
    channels: e.channels,
    noticeHash: e.noticeHash ?? null,
    door: e.door ?? null,
    source: e.source ?? null,
    expiresAt: e.expiresAt ?? null,
    at: e.at,
    evidenceDigest: e.evidenceDigest,
  });
}

/** The consent ledger: append-only (trigger-enforced), hash-chained per brand (R20). */
export class LedgerRepository {
  /** One writer per brand chain at a time, so each entry links to its predecessor. */
  async lockChain(tx: EntityManager, brandId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ledger:${brandId}`]);
  }

  /**
   * Links `entry` to the brand chain's head. The chain's lock is a transaction lock: it is held from
   * here until the caller's COMMIT, and every grant or withdrawal of the brand waits for it. So the
   * append is the caller's last step: every write that does not need the entry's seq or time (contact
   * bindings, stored answers, claims, inbound rows) comes before it, and only the rows that carry the
   * seq (the event, the scheduled lapse) after it (issue 14: joins timed out queueing on this lock).
   * `consent-grant-lock.int-spec.ts` fails when a grant's other writes run under the lock.
   */
  async append(tx: EntityManager, entry: NewLedgerEntry): Promise<LedgerEntry> {
    await this.lockChain(tx, entry.brandId);
    // Head and clock in one round trip, both read after the lock is granted (a statement's snapshot
    // is taken when it starts, so the head must not be read in the lock's own statement).
    const [{ hash: lastHash, now }] = await tx.query(
      `SELECT (SELECT hash FROM ledger WHERE brand_id = $1 ORDER BY seq DESC LIMIT 1) AS hash,
              clock_timestamp() AS now`,
      [entry.brandId],
    );
    const last: { hash: string } | undefined = lastHash ? { hash: lastHash } : undefined;
    const at = new Date(now).toISOString();
    const expiresAt = entry.expiresAt ? new Date(entry.expiresAt).toISOString() : undefined;
    const digest = evidenceDigest(entry.evidence);
    const hash = chainHash(last?.hash ?? null, bodyOf({ ...entry, expiresAt, at, evidenceDigest: digest }));
    const [{ seq }] = await tx.query(
      `INSERT INTO ledger (brand_id, subject_ref, action, purposes, channels, notice_hash, door, source, evidence,
                           evidence_digest, expires_at, at, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING seq`,
      [
        entry.brandId,
        entry.subjectRef,
        entry.action,
        entry.purposes,
        entry.channels,
        entry.noticeHash ?? null,
        entry.door ?? null,
        entry.source ?? null,
        JSON.stringify(entry.evidence),
        digest,
        expiresAt ?? null,
        at,
        last?.hash ?? null,
        hash,
      ],
    );
    return { ...entry, expiresAt, seq: Number(seq), at, hash, evidenceDigest: digest };
  }

  /** Current state per purpose × channel; `asOf` gives the state at a past moment. */
  async stateOf(
    tx: EntityManager,
    subjectRef: string,
    asOf?: Date,
    brandId?: string,
  ): Promise<ConsentState[]> {
    const rows = await tx.query(
      `SELECT DISTINCT ON (p, c) p AS purpose, c AS channel, action, seq
         FROM ledger, unnest(purposes) p, unnest(channels) c
        WHERE subject_ref = $1 AND ($2::timestamptz IS NULL OR at <= $2) AND ($3::text IS NULL OR brand_id = $3)
        ORDER BY p, c, seq DESC`,
      [subjectRef, asOf ?? null, brandId ?? null],
    );
    return rows.map((r: { purpose: Purpose; channel: Channel; action: LedgerAction; seq: string }) => ({
      purpose: r.purpose,
      channel: r.channel,
      granted: r.action === 'granted',
      seq: Number(r.seq),
    }));
  }

  async historyOf(tx: EntityManager, subjectRef: string, brandId?: string): Promise<LedgerEntry[]> {
    const rows = await tx.query(
      'SELECT * FROM ledger WHERE subject_ref = $1 AND ($2::text IS NULL OR brand_id = $2) ORDER BY seq',
      [subjectRef, brandId ?? null],
    );
    return rows.map(toEntry);
  }

  /** Has this subject already joined through this order's parcel card (door 2)? */
  async hasGrantForOrder(tx: EntityManager, subjectRef: string, orderRef: string): Promise<boolean> {
    const rows = await tx.query(
      `SELECT 1 FROM ledger WHERE action = 'granted' AND evidence->>'orderRef' = $1 AND subject_ref = $2 LIMIT 1`,
      [orderRef, subjectRef],
    );
    return rows.length > 0;
  }

  /** A brand's whole chain in order, for the verifier. */
  async chainOf(tx: EntityManager, brandId: string): Promise<LedgerEntry[]> {
    const rows = await tx.query('SELECT * FROM ledger WHERE brand_id = $1 ORDER BY seq', [brandId]);
    return rows.map(toEntry);
  }

  async headOf(tx: EntityManager, brandId: string): Promise<LedgerHead | null> {
    const [row] = await tx.query(
      'SELECT seq, hash FROM ledger WHERE brand_id = $1 ORDER BY seq DESC LIMIT 1',
      [brandId],
    );
    return row ? { seq: Number(row.seq), hash: row.hash } : null;
  }

  /**
   * Subjects whose proof may be minimised (R20 retention): no purpose × channel is granted any more,
   * the last withdrawal or expiry is before `endedBefore`, and some entry still holds evidence.
   */
  async listPurgeable(
    tx: EntityManager,
    brandId: string,
    endedBefore: Date,
    after: string | null,
    limit: number,
  ): Promise<string[]> {
    const rows = await tx.query(
      `${PURGEABLE} SELECT subject_ref FROM purgeable WHERE ($3::uuid IS NULL OR subject_ref > $3)
        ORDER BY subject_ref LIMIT $4`,
      [brandId, endedBefore, after, limit],
    );
    return rows.map((r: { subject_ref: string }) => r.subject_ref);
  }

  /** The same test for one subject, re-checked inside the purge's transaction. */
  async isPurgeable(
    tx: EntityManager,
    brandId: string,
    endedBefore: Date,
    subjectRef: string,
  ): Promise<boolean> {
    const rows = await tx.query(`${PURGEABLE} SELECT 1 FROM purgeable WHERE subject_ref = $3`, [
      brandId,
      endedBefore,
      subjectRef,
    ]);
    return rows.length > 0;
  }

  /** Seqs of this subject's consent entries that still hold evidence. */
  async listEntriesWithEvidence(tx: EntityManager, brandId: string, subjectRef: string): Promise<number[]> {
    const rows = await tx.query(
      `SELECT seq FROM ledger WHERE brand_id = $1 AND subject_ref = $2 AND action <> 'purged'
          AND evidence_purged_at IS NULL ORDER BY seq`,
      [brandId, subjectRef],
    );
    return rows.map((r: { seq: string }) => Number(r.seq));
  }

  /**
   * R10: empties the evidence of these entries. The hash covers the evidence's digest, which stays,
   * so the chain still verifies; the trigger allows this one change and nothing else.
   */
  async minimiseEvidence(tx: EntityManager, seqs: number[]): Promise<void> {
    await tx.query(
      `UPDATE ledger SET evidence = '{}'::jsonb, evidence_purged_at = clock_timestamp()
        WHERE seq = ANY($1::bigint[]) AND evidence_purged_at IS NULL`,
      [seqs],
    );
  }
}

// Latest entry per (subject, purpose, channel): a subject with any pair still granted is active.
const PURGEABLE = `
  WITH latest AS (
    SELECT DISTINCT ON (subject_ref, p, c) subject_ref, action
      FROM ledger, unnest(purposes) p, unnest(channels) c
     WHERE brand_id = $1
     ORDER BY subject_ref, p, c, seq DESC
  ), purgeable AS (
    SELECT subject_ref FROM ledger
     WHERE brand_id = $1
     GROUP BY subject_ref
    HAVING max(at) FILTER (WHERE action IN ('withdrawn', 'expired')) < $2
       AND bool_or(action <> 'purged' AND evidence_purged_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM latest l WHERE l.subject_ref = ledger.subject_ref AND l.action = 'granted')
  )`;

function toEntry(r: Record<string, any>): LedgerEntry {
  return {
    seq: Number(r.seq),
    brandId: r.brand_id,
    subjectRef: r.subject_ref,
    action: r.action,
    purposes: r.purposes,
    channels: r.channels,
    noticeHash: r.notice_hash ?? undefined,
    door: r.door ?? undefined,
    source: r.source ?? undefined,
    expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : undefined,
    evidence: r.evidence,
    evidenceDigest: r.evidence_digest,
    evidencePurgedAt: r.evidence_purged_at ? new Date(r.evidence_purged_at).toISOString() : undefined,
    at: new Date(r.at).toISOString(),
    hash: r.hash,
  };
}
