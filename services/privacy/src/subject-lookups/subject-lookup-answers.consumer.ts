import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConsentSubjectLookupAnsweredV1, EventBase } from '@siyu/contracts';
import type { EventEffect } from '@siyu/messaging';
import { PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { SubjectLookupsRepository } from './subject-lookups.repository';

/** Consent's answer to a lookup: the subject the phone verified, or none. */
@Injectable()
export class SubjectLookupAnswersConsumer {
  constructor(
    private readonly lookups: SubjectLookupsRepository,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
  ) {}

  readonly handlers: Record<string, EventEffect> = {
    'consent.subject-lookup-answered.v1': (tx, e) => this.record(tx, e),
  };

  private async record(tx: EntityManager, e: EventBase): Promise<void> {
    const a = e as ConsentSubjectLookupAnsweredV1;
    if (a.brandId !== this.options.brandId) return;
    await this.lookups.recordAnswer(tx, a.lookupId, a.subjectRef ?? null, new Date());
  }
}
