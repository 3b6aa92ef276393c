import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { siyuMetrics } from '@siyu/observability';
import { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { ProcessorGrantsRepository } from './processor-grants.repository';
import { grantEnd } from './processor-grants.response';

/** Days an agency has after a grant's end to confirm deletion before it is escalated (R15). */
export const DEFAULT_PROCESSOR_DELETION_DAYS = 15;

/**
 * R15: a grant that ended without the agency's deletion confirmation is escalated once, after
 * PRIVACY_PROCESSOR_DELETION_DAYS: audited, announced as a line without PII (grant id and dates
 * only, never the agency's people), and counted in `siyu_processor_deletions_unconfirmed`.
 */
@Injectable()
export class WatchProcessorDeletions {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly grants: ProcessorGrantsRepository,
  ) {}

  graceDays(): number {
    const raw = this.options.env?.PRIVACY_PROCESSOR_DELETION_DAYS;
    if (raw === undefined || raw === '') return DEFAULT_PROCESSOR_DELETION_DAYS;
    const days = Number(raw);
    if (!Number.isInteger(days) || days < 0)
      throw new Error(`PRIVACY_PROCESSOR_DELETION_DAYS must be a whole number of days, got "${raw}"`);
    return days;
  }

  async execute(now = new Date()): Promise<{ escalated: string[] }> {
    const days = this.graceDays();
    const { escalated, unconfirmed } = await this.ds.transaction(async (tx) => {
      const overdue = await this.grants.listDeletionOverdue(tx, now, days);
      const lines: { id: string; endedAt: string }[] = [];
      for (const g of overdue) {
        await this.grants.markDeletionEscalated(tx, g.id, now);
        await appendAudit(tx, {
          actor: 'privacy:processor-deletion-watch',
          action: 'processor-grant.deletion-escalated',
          purpose: 'processor_grants',
          subject: `processor-grant:${g.id}`,
          fields: [],
          outcome: 'allowed',
        });
        lines.push({ id: g.id, endedAt: grantEnd(g).toISOString() });
      }
      return { escalated: lines, unconfirmed: await this.grants.countEscalatedUnconfirmed(tx) };
    });
    siyuMetrics.processorDeletionsUnconfirmed.set(unconfirmed);
    for (const e of escalated)
      this.options.announce?.(
        `privacy: ESCALATION - processor grant ${e.id} ended ${e.endedAt}; no deletion confirmation after ${days} days`,
      );
    return { escalated: escalated.map((e) => e.id) };
  }
}
