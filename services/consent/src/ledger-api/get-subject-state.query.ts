import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONSENT_DB } from '../consent.options';
import { LedgerRepository, type ConsentState } from '../ledger/ledger.repository';

/** A subject's consent per purpose × channel now, or as it stood at `asOf` (R20). */
@Injectable()
export class GetSubjectState {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly ledger: LedgerRepository,
  ) {}

  async execute(
    brandId: string,
    subjectRef: string,
    asOf?: Date,
  ): Promise<{ subjectRef: string; asOf: string; state: ConsentState[] }> {
    const state = await this.ledger.stateOf(this.ds.manager, subjectRef, asOf, brandId);
    return { subjectRef, asOf: (asOf ?? new Date()).toISOString(), state };
  }
}
