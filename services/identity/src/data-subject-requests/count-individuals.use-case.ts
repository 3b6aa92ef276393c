import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  TOPICS,
  type PrivacyIndividualsCountedV1,
  type PrivacyIndividualsCountRequestedV1,
} from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import { StaffSubjectRepository } from './staff-subject.repository';

/** R19: identity answers privacy's count with the number of staff accounts, never an identity. */
@Injectable()
export class CountIdentityIndividuals {
  constructor(private readonly data: StaffSubjectRepository) {}

  // Identity serves one deployment (one brand, ARCHITECTURE §3), so it answers whatever brand asks.
  async answer(tx: EntityManager, e: PrivacyIndividualsCountRequestedV1): Promise<void> {
    await addToOutbox<PrivacyIndividualsCountedV1>(tx, TOPICS.privacyIndividualsCounted, e.countId, {
      type: 'privacy.individuals-counted.v1',
      countId: e.countId,
      service: 'identity',
      populations: [{ population: 'staff', individuals: await this.data.countStaff(tx) }],
    });
  }
}
