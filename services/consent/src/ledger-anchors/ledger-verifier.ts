import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONSENT_DB } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { LedgerRepository, type LedgerHead } from '../ledger/ledger.repository';
import { walkChain } from '../ledger/walk-chain';
import { anchorSignatureHolds, type LedgerAnchor } from './anchor-receipt';
import { LedgerAnchorRepository } from './ledger-anchor.repository';
import { LedgerAnchorError, LedgerAnchorErrorCode } from './ledger-anchors.errors';

export interface LedgerVerdict {
  intact: boolean;
  entries: number;
  head: LedgerHead | null;
  /** The first entry that does not follow from its content and predecessor. */
  brokenSeq?: number;
  /** Set when an anchor names a head beyond the ledger's: the newest entries were removed. */
  truncatedAfterSeq?: number;
  /** One precise sentence per finding; empty when intact. */
  problems: string[];
  anchorsChecked: number;
  receiptsChecked: number;
}

/**
 * R20: the chain shows edited and removed entries; signed anchors — stored ones and receipts the
 * privacy officer kept outside Siyu — show removed newest entries, which a chain alone cannot.
 */
@Injectable()
export class LedgerVerifier {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly keys: ConsentKeys,
    private readonly ledger: LedgerRepository,
    private readonly anchors: LedgerAnchorRepository,
  ) {}

  async verify(brandId: string, receipts: LedgerAnchor[] = []): Promise<LedgerVerdict> {
    // A receipt that does not verify proves nothing either way: refuse it rather than weigh it.
    receipts.forEach((r, i) => {
      const which = `receipt ${i + 1} (seq ${r.seq}, ${r.at})`;
      if (r.brandId !== brandId)
        throw new LedgerAnchorError(
          LedgerAnchorErrorCode.RECEIPT_OTHER_BRAND,
          `${which} is for brand ${r.brandId}, not ${brandId}`,
        );
      if (!anchorSignatureHolds(this.keys.anchors, r))
        throw new LedgerAnchorError(
          LedgerAnchorErrorCode.RECEIPT_FORGED,
          `${which} does not carry a valid signature of this ledger's anchor key "${r.kid}": it was altered or not issued by Siyu`,
          { receipt: i + 1 },
        );
    });
    // One snapshot: an anchor recorded during the walk must not look like a truncation.
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      const entries = await this.ledger.chainOf(tx, brandId);
      const stored = await this.anchors.listOf(tx, brandId);
      const chain = walkChain(entries);
      const problems = chain.problem ? [chain.problem] : [];
      const hashAt = new Map(entries.map((e) => [e.seq, e.hash]));
      const checks = [
        ...stored.map((a) => ({ a, label: `anchor of ${a.at}`, stored: true })),
        ...receipts.map((a) => ({ a, label: `receipt of ${a.at}`, stored: false })),
      ].sort((x, y) => y.a.seq - x.a.seq);
      let truncatedAfterSeq: number | undefined;
      for (const { a, label, stored: isStored } of checks) {
        if (isStored && !anchorSignatureHolds(this.keys.anchors, a)) {
          problems.push(
            `the stored ${label} (seq ${a.seq}) has no valid signature: it was not written by Siyu`,
          );
          continue;
        }
        const found = hashAt.get(a.seq);
        if (found === a.hash) continue;
        if (found) {
          problems.push(
            `entry seq ${a.seq} differs from the ${label}: that says hash ${a.hash}, the ledger has ${found}`,
          );
        } else if (!chain.head || a.seq > chain.head.seq) {
          // Reported once, for the newest anchor: it shows the most that is missing.
          if (truncatedAfterSeq !== undefined) continue;
          truncatedAfterSeq = chain.head?.seq ?? 0;
          problems.push(
            `${chain.head ? `entries after seq ${chain.head.seq}` : 'all entries'} are missing: ${label} says the head was seq ${a.seq} with hash ${a.hash}`,
          );
        } else {
          problems.push(`entry seq ${a.seq} is missing: the ${label} names it with hash ${a.hash}`);
        }
      }
      return {
        intact: problems.length === 0,
        entries: chain.entries,
        head: chain.head,
        ...(chain.brokenSeq !== undefined ? { brokenSeq: chain.brokenSeq } : {}),
        ...(truncatedAfterSeq !== undefined ? { truncatedAfterSeq } : {}),
        problems,
        anchorsChecked: stored.length,
        receiptsChecked: receipts.length,
      };
    });
  }
}
