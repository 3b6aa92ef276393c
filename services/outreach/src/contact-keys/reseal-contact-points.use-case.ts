import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { type ContactKeyRing, loadContactKeys } from '@siyu/crypto';
import { ConsentProjectionRepository } from '../consent-projection/consent-projection.repository';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';

export interface ResealReport {
  /** The CONTACT_KEYS kid stored contact points are now sealed under (null: the legacy CONTACT_KEY). */
  currentKid: string | null;
  resealed: number;
  /** Values that did not open, by the key they name (`CONTACT_KEY` = legacy); left as they are. */
  unopenable: Record<string, number>;
}

/**
 * Contact key rotation (ADR 0003, R16): seals every contact point outreach stores again under the
 * current CONTACT_KEYS entry, a batch per transaction with its audit entry (the values are opened,
 * never shown). Idempotent: values already under the current kid are not read. Counts only.
 */
@Injectable()
export class ResealContactPoints {
  private readonly logger = new Logger('contact-keys');
  private readonly contacts: ContactKeyRing;

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) options: OutreachModuleOptions,
    private readonly projection: ConsentProjectionRepository,
  ) {
    this.contacts = loadContactKeys(options.env);
  }

  async execute(actorId: string, options: { batchSize?: number } = {}): Promise<ResealReport> {
    const batchSize = options.batchSize ?? 500;
    const ring = this.contacts;
    const report: ResealReport = { currentKid: ring.currentKid, resealed: 0, unopenable: {} };
    let after: { subjectRef: string; channel: string } | null = null;
    for (;;) {
      const batch = await this.ds.transaction(async (tx) => {
        const stale = await this.projection.lockContactPointsNotSealedUnder(
          tx,
          ring.currentPrefix,
          after,
          batchSize,
        );
        const fresh: { subjectRef: string; channel: string; sealed: string }[] = [];
        for (const row of stale) {
          // AAD = subject ref, as consent sealed it.
          const outcome = ring.tryReseal(row.sealed, row.subjectRef);
          if ('resealed' in outcome) fresh.push({ ...row, sealed: outcome.resealed });
          else
            report.unopenable[outcome.unopenable.sealedUnder] =
              (report.unopenable[outcome.unopenable.sealedUnder] ?? 0) + 1;
        }
        const written = await this.projection.replaceSealedContactPoints(tx, fresh);
        if (written > 0)
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
      const last = batch[batch.length - 1];
      after = { subjectRef: last.subjectRef, channel: last.channel };
    }
    this.logger.log(
      `contact points re-sealed under ${report.currentKid ?? 'CONTACT_KEY'}: ${report.resealed}, ` +
        `unopenable: ${JSON.stringify(report.unopenable)}`,
    );
    return report;
  }
}
