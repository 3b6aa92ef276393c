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
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { AnswerOutreachSubjectRequest } from './answer-subject-request.use-case';
import { SubjectOutreachDataRepository } from './subject-outreach-data.repository';

/** Answers privacy.access-requested.v1 / privacy.erasure-requested.v1 in its own consumer group. */
@Injectable()
export class OutreachDataSubjectRequestsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: InboxConsumer;

  constructor(
    @Inject(OUTREACH_DB) ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    answer: AnswerOutreachSubjectRequest,
  ) {
    this.consumer = new InboxConsumer(ds, options.transport, {
      group: 'outreach.data-subject-requests',
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

/** Everything the feature needs, added to the outreach module's providers in one line. */
export const OUTREACH_DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  { provide: SubjectOutreachDataRepository, useValue: new SubjectOutreachDataRepository() },
  AnswerOutreachSubjectRequest,
  OutreachDataSubjectRequestsConsumer,
];
