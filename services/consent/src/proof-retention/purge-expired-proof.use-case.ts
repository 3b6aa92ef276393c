import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { LedgerRepository } from '../ledger/ledger.repository';
import { PURGED_SEQS } from '../ledger/walk-chain';
import { readProofRetentionDays } from './proof-retention';
import { SubjectDataRepository, type SubjectDataCounts } from './subject-data.repository';

export interface PurgeReport {
  dryRun: boolean;
  retentionDays: number;
  /** Subjects whose last withdrawal or expiry is before this moment are purged. */
  endedBefore: string;
  subjects: number;
  entriesMinimised: number;
  deleted: SubjectDataCounts;
}

const DAY_MS = 86_400_000;
const BATCH = 200;

/**
 * R10 + R20: once every consent of a subject has been withdrawn or expired for the retention period,
 * keep only what proves what happened — the ledger entries' content and hashes — and remove their
 * evidence and every contact point and identifier of the subject. One transaction per subject, with
 * its own `purged` ledger entry (seqs and counts, no personal data) as the record of the purge.
 */
@Injectable()
export class PurgeExpiredProof {
  private readonly logger = new Logger('proof-retention');
  readonly retentionDays: number;

  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly ledger: LedgerRepository,
    private readonly subjectData: SubjectDataRepository,
  ) {
    this.retentionDays = readProofRetentionDays(options.env);
  }

  async execute({
    now = new Date(),
    dryRun = false,
  }: { now?: Date; dryRun?: boolean } = {}): Promise<PurgeReport> {
    const brandId = this.options.brand.id;
    const endedBefore = new Date(now.getTime() - this.retentionDays * DAY_MS);
    const report: PurgeReport = {
      dryRun,
      retentionDays: this.retentionDays,
      endedBefore: endedBefore.toISOString(),
      subjects: 0,
      entriesMinimised: 0,
      deleted: {
        subjects: 0,
        memberLinks: 0,
        wechatBindings: 0,
        wechatEvents: 0,
        wecomBindings: 0,
        wecomEvents: 0,
        smsReplies: 0,
        otpChallenges: 0,
        sandboxSms: 0,
      },
    };
    let after: string | null = null;
    for (;;) {
      const refs = await this.ledger.listPurgeable(this.ds.manager, brandId, endedBefore, after, BATCH);
      if (refs.length === 0) break;
      after = refs[refs.length - 1];
      for (const subjectRef of refs) {
        const outcome = dryRun
          ? await this.count(brandId, subjectRef)
          : await this.purge(brandId, subjectRef, endedBefore);
        if (!outcome) continue;
        report.subjects++;
        report.entriesMinimised += outcome.seqs.length;
        for (const [table, n] of Object.entries(outcome.deleted))
          report.deleted[table as keyof SubjectDataCounts] += n;
      }
    }
    this.logger.log(
      `${dryRun ? 'dry run: would purge' : 'purged'} ${report.subjects} subjects, ${report.entriesMinimised} entries`,
    );
    return report;
  }

  private count(brandId: string, subjectRef: string) {
    return this.ds.transaction('REPEATABLE READ', async (tx) => ({
      seqs: await this.ledger.listEntriesWithEvidence(tx, brandId, subjectRef),
      deleted: await this.subjectData.countAllOf(tx, brandId, subjectRef),
    }));
  }

  private purge(brandId: string, subjectRef: string, endedBefore: Date) {
    return this.ds.transaction(async (tx) => {
      // Serialised with appends: a grant for this subject either committed before (and the re-check
      // sees it) or waits until the purge has committed.
      await this.ledger.lockChain(tx, brandId);
      if (!(await this.ledger.isPurgeable(tx, brandId, endedBefore, subjectRef))) return null;
      const seqs = await this.ledger.listEntriesWithEvidence(tx, brandId, subjectRef);
      await this.ledger.minimiseEvidence(tx, seqs);
      const deleted = await this.subjectData.deleteAllOf(tx, brandId, subjectRef);
      await this.ledger.append(tx, {
        brandId,
        subjectRef,
        action: 'purged',
        purposes: [],
        channels: [],
        evidence: {
          [PURGED_SEQS]: seqs.join(','),
          retentionDays: String(this.retentionDays),
          contactRowsDeleted: String(Object.values(deleted).reduce((a, b) => a + b, 0)),
        },
      });
      return { seqs, deleted };
    });
  }
}
