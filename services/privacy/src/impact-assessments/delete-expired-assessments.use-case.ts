import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAuditMany } from '@siyu/audit';
import { PRIVACY_DB } from '../privacy.options';
import { ImpactAssessmentsRepository } from './impact-assessments.repository';

/** Who the audit trail names for the retention job (no person acts). */
export const RETENTION_ACTOR = 'privacy:retention-job';

/**
 * PIPL Art. 56 (R18): an impact assessment is kept three years, then deleted. Deletions and their
 * audit entries commit together; nothing is deleted before its three years, whatever the clock.
 */
@Injectable()
export class DeleteExpiredAssessments {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly assessments: ImpactAssessmentsRepository,
  ) {}

  async execute(now: Date = new Date()): Promise<{ deleted: number }> {
    return this.ds.transaction(async (tx) => {
      const gone = await this.assessments.deleteExpired(tx, now);
      await appendAuditMany(
        tx,
        gone.map((a) => ({
          actor: RETENTION_ACTOR,
          action: 'impact-assessment.deleted',
          purpose: 'retention',
          subject: `impact-assessment:${a.id}`,
          fields: [a.subjectKey],
          outcome: 'allowed' as const,
        })),
      );
      return { deleted: gone.length };
    });
  }
}
