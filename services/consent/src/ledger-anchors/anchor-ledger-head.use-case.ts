import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONSENT_DB } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { LedgerRepository } from '../ledger/ledger.repository';
import { signAnchor, type LedgerAnchor } from './anchor-receipt';
import { LedgerAnchorRepository } from './ledger-anchor.repository';
import { LedgerAnchorError, LedgerAnchorErrorCode } from './ledger-anchors.errors';

/**
 * R20: signs the brand's current ledger head and records it. A head already anchored is not anchored
 * again (the job runs often; the table grows only with the ledger).
 */
@Injectable()
export class AnchorLedgerHead {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly keys: ConsentKeys,
    private readonly ledger: LedgerRepository,
    private readonly anchors: LedgerAnchorRepository,
  ) {}

  async execute(
    brandId: string,
    now: Date = new Date(),
  ): Promise<{ anchor: LedgerAnchor; recorded: boolean }> {
    return this.ds.transaction(async (tx) => {
      const head = await this.ledger.headOf(tx, brandId);
      if (!head)
        throw new LedgerAnchorError(LedgerAnchorErrorCode.LEDGER_EMPTY, 'the ledger has no entries yet');
      const latest = await this.anchors.findLatest(tx, brandId);
      if (latest && latest.seq === head.seq && latest.hash === head.hash)
        return { anchor: latest, recorded: false };
      const anchor = signAnchor(this.keys.anchors, {
        brandId,
        seq: head.seq,
        hash: head.hash,
        at: now.toISOString(),
      });
      await this.anchors.record(tx, anchor);
      return { anchor, recorded: true };
    });
  }
}
