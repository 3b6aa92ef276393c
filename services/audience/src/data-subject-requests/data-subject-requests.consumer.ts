import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS, type PrivacyAccessRequestedV1, type PrivacyErasureRequestedV1 } from '@siyu/contracts';
import { InboxConsumer } from '@siyu/messaging';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { AnswerAudienceSubjectRequest } from './answer-subject-request.use-case';
import { SubjectMarketingDataRepository } from './subject-marketing-data.repository';

/** Answers privacy.access-requested.v1 / privacy.erasure-requested.v1 in its own consumer group. */
@Injectable()
export class AudienceDataSubjectRequestsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: InboxConsumer;

  constructor(
    @Inject(AUDIENCE_DB) ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    answer: AnswerAudienceSubjectRequest,
  ) {
    this.consumer = new InboxConsumer(ds, options.transport, {
      group: 'audience.data-subject-requests',
      topics: [TOPICS.privacyAccessRequested, TOPICS.privacyErasureRequested],
      handlers: {
        'privacy.access-requested.v1': (tx, e) => answer.answerAccess(tx, e as PrivacyAccessRequestedV1),
        'privacy.erasure-requested.v1': (tx, e) => answer.answerErasure(tx, e as PrivacyErasureRequestedV1),
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.options.transport.ensureTopics([TOPICS.privacyRequestAnswered]);
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}

/** Everything the feature needs, added to the audience module's providers in one line. */
export const AUDIENCE_DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  { provide: SubjectMarketingDataRepository, useValue: new SubjectMarketingDataRepository() },
  AnswerAudienceSubjectRequest,
  AudienceDataSubjectRequestsConsumer,
];
