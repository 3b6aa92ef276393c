import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventBase, PrivacyIndividualsCountedV1 } from '@siyu/contracts';
import type { EventEffect } from '@siyu/messaging';
import { PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { individualsBounds } from './individuals-bounds';
import { IndividualsCountRepository } from './individuals-count.repository';

/** Records each service's counts; once the last answered, warns the privacy officer at a threshold (R19). */
@Injectable()
export class IndividualsCountAnswersConsumer {
  constructor(
    private readonly counts: IndividualsCountRepository,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
  ) {}

  readonly handlers: Record<string, EventEffect> = {
    'privacy.individuals-counted.v1': (tx, e) => this.record(tx, e),
  };

  private async record(tx: EntityManager, e: EventBase): Promise<void> {
    const answer = e as PrivacyIndividualsCountedV1;
    if (!(await this.counts.recordAnswer(tx, answer.countId, answer.service, answer.populations, new Date())))
      return;
    const count = await this.counts.findById(tx, answer.countId);
    if (!count || count.answers.length < count.services.length) return;
    const bounds = individualsBounds(count.answers);
    for (const t of bounds.thresholds.filter((x) => x.status !== 'below'))
      this.options.announce?.(
        `privacy: R19 warning — distinct individuals ${t.status === 'reached' ? 'reached' : 'may have reached'} ` +
          `${t.threshold.toLocaleString('en-US')} (between ${bounds.lowerBound} and ${bounds.upperBound})`,
      );
  }
}
