import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  TOPICS,
  type PrivacyIndividualsCountedV1,
  type PrivacyIndividualsCountRequestedV1,
} from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { SubjectOrdersRepository } from './subject-orders.repository';

/** R19: orders answers privacy's count with counts of its own keys only, never an identity. */
@Injectable()
export class CountOrdersIndividuals {
  constructor(
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersModuleOptions,
    private readonly data: SubjectOrdersRepository,
  ) {}

  async answer(tx: EntityManager, e: PrivacyIndividualsCountRequestedV1): Promise<void> {
    if (e.brandId !== this.options.brandId) return;
    const c = await this.data.countIndividuals(tx);
    const populations = [
      { population: 'buyers', individuals: c.buyers },
      { population: 'receivers', individuals: c.receivers },
    ];
    await addToOutbox<PrivacyIndividualsCountedV1>(tx, TOPICS.privacyIndividualsCounted, e.countId, {
      type: 'privacy.individuals-counted.v1',
      countId: e.countId,
      service: 'orders',
      populations,
    });
  }
}
