import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PRIVACY_DB } from '../privacy.options';
import { requiredAssessmentSubjects } from './assessment-subjects';
import { ImpactAssessmentsRepository } from './impact-assessments.repository';
import type { ImpactAssessmentRegisterResponse } from './impact-assessments.response';

/** The register with what still lacks an assessment. */
@Injectable()
export class ImpactAssessmentsQuery {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly assessments: ImpactAssessmentsRepository,
  ) {}

  async register(): Promise<ImpactAssessmentRegisterResponse> {
    const assessments = await this.assessments.listAll(this.ds.manager);
    const done = new Set(assessments.map((a) => a.subjectKey));
    return {
      assessments,
      missing: requiredAssessmentSubjects()
        .filter((s) => !done.has(s.key))
        .map((s) => ({ subjectKey: s.key, reason: s.reason })),
    };
  }
}
