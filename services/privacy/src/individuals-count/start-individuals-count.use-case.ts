import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { TOPICS, type AnsweringService, type PrivacyIndividualsCountRequestedV1 } from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import {
  DEFAULT_ANSWERING_SERVICES,
  PRIVACY_DB,
  PRIVACY_OPTIONS,
  type PrivacyModuleOptions,
} from '../privacy.options';
import { IndividualsCountRepository } from './individuals-count.repository';

/**
 * The services whose people are not all someone else's too: audience and outreach know only the
 * subjects consent granted them (ARCHITECTURE invariant 1), so they add nobody to the count.
 */
export const COUNTING_SERVICES: AnsweringService[] = ['consent', 'orders', 'identity'];

/** Asks every counting service for its counts (R19): the count, its event and audit in one transaction. */
@Injectable()
export class StartIndividualsCount {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly counts: IndividualsCountRepository,
  ) {}

  async execute(startedBy: string, now = new Date()): Promise<{ countId: string }> {
    const answering = this.options.answeringServices ?? DEFAULT_ANSWERING_SERVICES;
    const services = COUNTING_SERVICES.filter((s) => answering.includes(s));
    const countId = randomUUID();
    await this.ds.transaction(async (tx) => {
      await this.counts.insert(tx, countId, now, startedBy, services);
      await addToOutbox<PrivacyIndividualsCountRequestedV1>(
        tx,
        TOPICS.privacyIndividualsCountRequested,
        countId,
        {
          type: 'privacy.individuals-count-requested.v1',
          countId,
          brandId: this.options.brandId,
        },
      );
      await appendAudit(tx, {
        actor: startedBy,
        action: 'individuals-count.started',
        purpose: 'scale_threshold',
        subject: `individuals-count:${countId}`,
        fields: [],
        outcome: 'allowed',
      });
    });
    return { countId };
  }
}
