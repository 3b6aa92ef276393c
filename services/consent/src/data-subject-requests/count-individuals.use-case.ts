import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  TOPICS,
  type PrivacyIndividualsCountedV1,
  type PrivacyIndividualsCountRequestedV1,
} from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { SubjectRequestRepository } from './subject-request.repository';

/** R19: consent answers privacy's count with counts of its own keys only, never an identity. */
@Injectable()
export class CountConsentIndividuals {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly data: SubjectRequestRepository,
  ) {}

  async answer(tx: EntityManager, e: PrivacyIndividualsCountRequestedV1): Promise<void> {
    if (e.brandId !== this.options.brand.id) return;
    const populations = [
      { population: 'consent_subjects', individuals: await this.data.countSubjects(tx, e.brandId) },
    ];
    await addToOutbox<PrivacyIndividualsCountedV1>(tx, TOPICS.privacyIndividualsCounted, e.countId, {
      type: 'privacy.individuals-counted.v1',
      countId: e.countId,
      service: 'consent',
      populations,
    });
  }
}
