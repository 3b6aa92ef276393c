import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PrivacyIndividualsCountRequestedV1, TOPICS } from '@siyu/contracts';
import { subjectRequestHandlers, subjectRequestTopics } from '@siyu/data-subject-requests';
import { eventHandlerMap, on, ServiceMessaging } from '@siyu/messaging';
import { IDENTITY_DB, IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';
import { CountIdentityIndividuals } from './count-individuals.use-case';
import { IdentitySubjectData } from './identity-subject-data.port';
import { StaffSubjectRepository } from './staff-subject.repository';

/**
 * Identity's only messaging: it answers data-subject requests in its own consumer group and relays
 * its answers from its outbox. Without a transport (identity alone, no broker) it stays off.
 */
@Injectable()
export class IdentityDataSubjectRequestsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly messaging?: ServiceMessaging;

  constructor(
    @Inject(IDENTITY_DB) ds: DataSource,
    @Inject(IDENTITY_OPTIONS) options: IdentityModuleOptions,
    subjectData: IdentitySubjectData,
    count: CountIdentityIndividuals,
  ) {
    if (!options.transport) return;
    this.messaging = new ServiceMessaging(ds, options.transport, {
      schema: 'identity',
      produces: [TOPICS.privacyRequestAnswered, TOPICS.privacyIndividualsCounted],
      consumers: [
        {
          name: 'data-subject-requests',
          topics: [...subjectRequestTopics(subjectData), TOPICS.privacyIndividualsCountRequested],
          handlers: eventHandlerMap([
            ...subjectRequestHandlers(subjectData),
            on(PrivacyIndividualsCountRequestedV1, (tx, e) => count.answer(tx, e)), // R19
          ]),
        },
      ],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messaging?.stop();
  }
}

/** Everything the feature needs, added to the identity module's providers in one line. */
export const IDENTITY_DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  StaffSubjectRepository,
  IdentitySubjectData,
  CountIdentityIndividuals,
  IdentityDataSubjectRequestsConsumer,
];
