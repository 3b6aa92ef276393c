import { createHash } from 'node:crypto';
import { canonicalJson } from '@siyu/crypto';

/** What each ledger entry's hash commits to (ADR 0005): everything it says, and its evidence by digest. */
export interface HashedEntryFields {
  brandId: string;
  subjectRef: string;
  action: string;
  purposes: string[];
  channels: string[];
  noticeHash: string | null;
  door: string | null;
  source: string | null;
  expiresAt: string | null;
  at: string;
  evidenceDigest: string;
}

/**
 * sha256 of the evidence's canonical JSON. The chain covers this digest, not the evidence itself, so
 * the evidence can be minimised after the retention period (R10, R20) without breaking the chain.
 */
export function evidenceDigest(evidence: Record<string, string>): string {
  return createHash('sha256').update(canonicalJson(evidence), 'utf8').digest('hex');
}

export function entryBody(f: HashedEntryFields): string {
  return canonicalJson({ ...f });
}
