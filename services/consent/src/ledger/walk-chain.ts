import { chainHash } from '@siyu/crypto';
import { evidenceDigest } from './ledger-hash';
import { bodyOf, type LedgerEntry, type LedgerHead } from './ledger.repository';

export interface ChainReport {
  intact: boolean;
  entries: number;
  head: LedgerHead | null;
  /** The first entry that does not follow (edited, or the one after a removed entry). */
  brokenSeq?: number;
  problem?: string;
}

/** Evidence keys a `purged` entry uses to name what it minimised (seqs are not personal data). */
export const PURGED_SEQS = 'minimisedSeqs';

/**
 * Walks a brand's chain (R20). Per entry: its evidence still matches the digest the hash covers (or
 * was removed by a recorded purge), and its hash follows from its content and its predecessor.
 */
export function walkChain(entries: readonly LedgerEntry[]): ChainReport {
  const recordedPurges = new Set<string>();
  for (const e of entries)
    if (e.action === 'purged')
      for (const seq of (e.evidence[PURGED_SEQS] ?? '').split(',').filter(Boolean))
        recordedPurges.add(`${e.subjectRef}:${seq}`);

  const head = entries.length ? { seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash } : null;
  const broken = (e: LedgerEntry, problem: string): ChainReport => ({
    intact: false,
    entries: entries.length,
    head,
    brokenSeq: e.seq,
    problem: `entry seq ${e.seq} ${problem}`,
  });
  let prev: string | null = null;
  for (const e of entries) {
    if (!e.evidencePurgedAt && evidenceDigest(e.evidence) !== e.evidenceDigest)
      return broken(e, 'holds evidence that does not match the digest its hash covers (evidence edited)');
    if (e.evidencePurgedAt && !recordedPurges.has(`${e.subjectRef}:${e.seq}`))
      return broken(e, 'lost its evidence without a recorded purge');
    if (chainHash(prev, bodyOf(e)) !== e.hash)
      return broken(
        e,
        'does not follow from its content and its predecessor (edited, or an entry before it removed)',
      );
    prev = e.hash;
  }
  return { intact: true, entries: entries.length, head };
}
