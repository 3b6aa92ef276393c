import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConsentKeys } from '../consent.keys';
import { CONSENT_DB } from '../consent.options';
import { receiptFor } from './anchor-receipt';
import { LedgerAnchorRepository } from './ledger-anchor.repository';
import { LedgerAnchorError, LedgerAnchorErrorCode } from './ledger-anchors.errors';

/** The brand's latest signed ledger head, as the receipt the privacy officer keeps (R20). */
@Injectable()
export class GetLatestAnchor {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly keys: ConsentKeys,
    private readonly anchors: LedgerAnchorRepository,
  ) {}

  async execute(brandId: string): Promise<ReturnType<typeof receiptFor>> {
    const anchor = await this.anchors.findLatest(this.ds.manager, brandId);
    if (!anchor)
      throw new LedgerAnchorError(LedgerAnchorErrorCode.NO_ANCHOR, 'no ledger head was anchored yet');
    return receiptFor(this.keys.anchors, anchor);
  }
}
