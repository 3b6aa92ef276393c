import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventBase, PrivacyRequestAnsweredV1 } from '@siyu/contracts';
import type { EventEffect } from '@siyu/messaging';
import { PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { DataSubjectRequestRepository } from './data-subject-request.repository';

/** Records each service's answer as its receipt; the request completes with the last one. */
@Injectable()
export class DataSubjectAnswersConsumer {
  constructor(
    private readonly requests: DataSubjectRequestRepository,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
  ) {}

  readonly handlers: Record<string, EventEffect> = {
    'privacy.request-answered.v1': (tx, e) => this.recordAnswer(tx, e),
  };

  private async recordAnswer(tx: EntityManager, e: EventBase): Promise<void> {
    const answer = e as PrivacyRequestAnsweredV1;
    const now = new Date();
    const recorded = await this.requests.recordAnswer(
      tx,
      answer.requestId,
      answer.subjectRef,
      answer.service,
      answer.lines,
      now,
    );
    if (recorded && (await this.requests.completeIfAllAnswered(tx, answer.requestId, now)))
      this.options.announce?.(`privacy: request ${answer.requestId} completed, every service answered`);
  }
}
