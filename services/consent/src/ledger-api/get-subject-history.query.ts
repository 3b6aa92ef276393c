import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONSENT_DB } from '../consent.options';
import { LedgerRepository, type LedgerEntry } from '../ledger/ledger.repository';

/** Every ledger entry of a subject, oldest first: refs and hashes only, never PII (R20). */
@Injectable()
export class GetSubjectHistory {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly ledger: LedgerRepository,
  ) {}

  async execute(
    brandId: string,
    subjectRef: string,
  ): Promise<{ subjectRef: string; entries: LedgerEntry[] }> {
    return { subjectRef, entries: await this.ledger.historyOf(this.ds.manager, subjectRef, brandId) };
  }
}
