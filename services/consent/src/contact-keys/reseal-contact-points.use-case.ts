import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Sealed } from '@siyu/crypto';
import { ConsentKeys } from '../consent.keys';
import { CONSENT_DB } from '../consent.options';
import { SubjectRepository } from '../subjects/subject.repository';

export interface ResealReport {
  /** The CONTACT_KEYS kid stored contact points are now sealed under (null: the legacy CONTACT_KEY). */
  currentKid: string | null;
  resealed: number;
  /** Values that did not open, by the key they name (`CONTACT_KEY` = legacy); left as they are. */
  unopenable: Record<string, number>;
}

/**
 * Contact key rotation (ADR 0003, R16): seals every stored contact point (subjects.sealed_phone)
 * again under the current CONTACT_KEYS entry, a batch per transaction with its audit entry (the
 * values are opened, never shown: every PII read is audited). Idempotent: values already under
 * the current kid are not read. Counts only, never a value.
 */
@Injectable()
export class ResealContactPoints {
  private readonly logger = new Logger('contact-keys');

  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly keys: ConsentKeys,
    private readonly subjects: SubjectRepository,
  ) {}

  async execute(actorId: string, options: { batchSize?: number } = {}): Promise<ResealReport> {
    const batchSize = options.batchSize ?? 500;
    const ring = this.keys.contacts;
    const report: ResealReport = { currentKid: ring.currentKid, resealed: 0, unopenable: {} };
    let after: string | null = null;
    for (;;) {
      const batch = await this.ds.transaction(async (tx) => {
        const stale = await this.subjects.lockContactsNotSealedUnder(
          tx,
          ring.currentPrefix,
          after,
          batchSize,
        );
        const fresh: { subjectRef: string; sealed: Sealed }[] = [];
        for (const row of stale) {
          // AAD = subject ref, as the grant sealed it.
          const outcome = ring.tryReseal(row.sealed, row.subjectRef);
          if ('resealed' in outcome) fresh.push({ subjectRef: row.subjectRef, sealed: outcome.resealed });
          else
            report.unopenable[outcome.unopenable.sealedUnder] =
              (report.unopenable[outcome.unopenable.sealedUnder] ?? 0) + 1;
        }
        const written = await this.subjects.replaceSealedContacts(tx, fresh);
        if (stale.length > 0)
          await appendAudit(tx, {
            actor: actorId,
            action: 'reseal-contact-points',
            purpose: 'security',
            subject: `contact-key:${ring.currentKid ?? 'CONTACT_KEY'}`,
            fields: ['contact_point'],
            outcome: 'allowed',
          });
        report.resealed += written;
        return stale;
      });
      if (batch.length < batchSize) break;
      after = batch[batch.length - 1].subjectRef;
    }
    this.logger.log(
      `contact points re-sealed under ${report.currentKid ?? 'CONTACT_KEY'}: ${report.resealed}, ` +
        `unopenable: ${JSON.stringify(report.unopenable)}`,
    );
    return report;
  }
}
