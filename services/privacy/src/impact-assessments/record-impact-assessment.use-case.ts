import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import { PRIVACY_DB } from '../privacy.options';
import { ASSESSMENT_KEEP_YEARS, requiredAssessmentSubjects } from './assessment-subjects';
import { ImpactAssessmentsError, ImpactAssessmentsErrorCode } from './impact-assessments.errors';
import { ImpactAssessmentsRepository, type ImpactAssessment } from './impact-assessments.repository';

export type AssessmentInput = Pick<
  ImpactAssessment,
  'subjectKey' | 'summary' | 'risks' | 'measures' | 'conclusion'
>;

/** Records one PIPIA (PIPL Art. 55) with its audit entry; kept three years (Art. 56). */
@Injectable()
export class RecordImpactAssessment {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly assessments: ImpactAssessmentsRepository,
  ) {}

  async execute(officer: Actor, input: AssessmentInput, now = new Date()): Promise<ImpactAssessment> {
    const known = requiredAssessmentSubjects().map((s) => s.key);
    if (!known.includes(input.subjectKey))
      throw new ImpactAssessmentsError(
        ImpactAssessmentsErrorCode.UNKNOWN_ASSESSMENT_SUBJECT,
        `subjectKey: "${input.subjectKey}" is not a processing that needs an assessment; one of ${known.join(', ')}`,
      );
    const keepUntil = new Date(now);
    keepUntil.setUTCFullYear(keepUntil.getUTCFullYear() + ASSESSMENT_KEEP_YEARS);
    const row: ImpactAssessment = {
      id: randomUUID(),
      ...input,
      assessedBy: officer.id,
      assessedAt: now.toISOString(),
      keepUntil: keepUntil.toISOString(),
    };
    await this.ds.transaction(async (tx) => {
      await this.assessments.insert(tx, row);
      await appendAudit(tx, {
        actor: officer.id,
        action: 'impact-assessment.recorded',
        purpose: 'accountability',
        subject: `impact-assessment:${row.id}`,
        fields: [input.subjectKey],
        outcome: 'allowed',
      });
    });
    return row;
  }
}
