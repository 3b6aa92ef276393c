import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  TOPICS,
  type PrivacyAccessRequestedV1,
  type PrivacyErasureRequestedV1,
  type PrivacyIndividualsCountRequestedV1,
} from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { IDENTITY_DB, IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';
import { AnswerIdentitySubjectRequest } from './answer-subject-request.use-case';
import { CountIdentityIndividuals } from './count-individuals.use-case';
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
    answer: AnswerIdentitySubjectRequest,
    count: CountIdentityIndividuals,
  ) {
    if (!options.transport) return;
    this.messaging = new ServiceMessaging(ds, options.transport, {
      schema: 'identity',
      produces: [TOPICS.privacyRequestAnswered, TOPICS.privacyIndividualsCounted],
      consumers: [
        {
          name: 'data-subject-requests',
          topics: [
            TOPICS.privacyAccessRequested,
            TOPICS.privacyErasureRequested,
            TOPICS.privacyIndividualsCountRequested,
          ],
          handlers: {
            'privacy.access-requested.v1': (tx, e) => answer.answerAccess(tx, e as PrivacyAccessRequestedV1),
            'privacy.erasure-requested.v1': (tx, e) =>
              answer.answerErasure(tx, e as PrivacyErasureRequestedV1),
            'privacy.individuals-count-requested.v1': (tx, e) =>
              count.answer(tx, e as PrivacyIndividualsCountRequestedV1), // R19
          },
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
  AnswerIdentitySubjectRequest,
  CountIdentityIndividuals,
  IdentityDataSubjectRequestsConsumer,
];
