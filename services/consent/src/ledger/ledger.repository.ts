import type { EntityManager } from 'typeorm';
import { canonicalJson, chainHash, verifyChain } from '@siyu/crypto';
import type { Channel, ConsentDoor, Purpose, WithdrawalSource } from '@siyu/contracts';

export type LedgerAction = 'granted' | 'withdrawn' | 'expired';

export interface NewLedgerEntry {
  brandId: string;
  subjectRef: string;
  action: LedgerAction;
  purposes: Purpose[];
  channels: Channel[];
  noticeHash?: string;
  door?: ConsentDoor;
  source?: WithdrawalSource;
  /** Minimal proof (R20): token id, how the contact was verified, hashed IP/UA. No plaintext PII. */
  evidence: Record<string, string>;
}

export interface LedgerEntry extends NewLedgerEntry {
  seq: number;
  at: string;
  hash: string;
}

export interface ConsentState {
  purpose: Purpose;
  channel: Channel;
  granted: boolean;
  seq: number;
}

function body(e: NewLedgerEntry, at: string): string {
  return canonicalJson({
    ...e,
    at,
    noticeHash: e.noticeHash ?? null,
    door: e.door ?? null,
    source: e.source ?? null,
  });
}

/** The consent ledger: append-only (trigger-enforced), hash-chained per brand (R20). */
export class LedgerRepository {
  async append(tx: EntityManager, entry: NewLedgerEntry): Promise<LedgerEntry> {
    // One writer per brand chain at a time, so each entry links to its predecessor.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ledger:${entry.brandId}`]);
    const [last] = await tx.query('SELECT hash FROM ledger WHERE brand_id = $1 ORDER BY seq DESC LIMIT 1', [
      entry.brandId,
    ]);
    const [{ now }] = await tx.query('SELECT clock_timestamp() AS now');
    const at = new Date(now).toISOString();
    const hash = chainHash(last?.hash ?? null, body(entry, at));
    const [{ seq }] = await tx.query(
      `INSERT INTO ledger (brand_id, subject_ref, action, purposes, channels, notice_hash, door, source, evidence, at, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq`,
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
        at,
        last?.hash ?? null,
        hash,
      ],
    );
    return { ...entry, seq: Number(seq), at, hash };
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

  /** Walks a brand's chain and names the first entry that does not follow from its predecessor. */
  async verify(
    tx: EntityManager,
    brandId: string,
  ): Promise<{ intact: boolean; entries: number; brokenSeq?: number }> {
    const rows = await tx.query('SELECT * FROM ledger WHERE brand_id = $1 ORDER BY seq', [brandId]);
    const entries = rows.map(toEntry);
    const verdict = verifyChain(
      entries.map((e: LedgerEntry) => ({ body: body(stripStored(e), e.at), hash: e.hash })),
    );
    return verdict.intact
      ? { intact: true, entries: entries.length }
      : { intact: false, entries: entries.length, brokenSeq: entries[verdict.brokenAt].seq };
  }
}

function stripStored(e: LedgerEntry): NewLedgerEntry {
  const { seq: _seq, at: _at, hash: _hash, ...rest } = e;
  return rest;
}

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
    evidence: r.evidence,
    at: new Date(r.at).toISOString(),
    hash: r.hash,
  };
}
