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
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { AnswerSubjectRequest } from './answer-subject-request.use-case';
import { SubjectRequestRepository } from './subject-request.repository';

/** Answers privacy.access-requested.v1 / privacy.erasure-requested.v1 in its own consumer group. */
@Injectable()
export class DataSubjectRequestsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: InboxConsumer;

  constructor(
    @Inject(CONSENT_DB) ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    answer: AnswerSubjectRequest,
  ) {
    this.consumer = new InboxConsumer(ds, options.transport, {
      group: 'consent.data-subject-requests',
      topics: [TOPICS.privacyAccessRequested, TOPICS.privacyErasureRequested],
      handlers: {
        'privacy.access-requested.v1': (tx, e) => answer.answerAccess(tx, e as PrivacyAccessRequestedV1),
        'privacy.erasure-requested.v1': (tx, e) => answer.answerErasure(tx, e as PrivacyErasureRequestedV1),
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.options.transport.ensureTopics([TOPICS.privacyRequestAnswered, TOPICS.consentWithdrawn]);
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}

/** Everything the feature needs, added to the consent module's providers in one line. */
export const DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  SubjectRequestRepository,
  AnswerSubjectRequest,
  DataSubjectRequestsConsumer,
];
