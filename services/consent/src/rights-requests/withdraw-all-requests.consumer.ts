import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS, type PrivacyWithdrawAllRequestedV1 } from '@siyu/contracts';
import { InboxConsumer } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { AnswerWithdrawAll } from './answer-withdraw-all.use-case';

/** Answers privacy.withdraw-all-requested.v1 in its own consumer group. */
@Injectable()
export class WithdrawAllRequestsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: InboxConsumer;

  constructor(
    @Inject(CONSENT_DB) ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    answer: AnswerWithdrawAll,
  ) {
    this.consumer = new InboxConsumer(ds, options.transport, {
      group: 'consent.withdraw-all-requests',
      topics: [TOPICS.privacyWithdrawAllRequested],
      handlers: {
        'privacy.withdraw-all-requested.v1': (tx, e) =>
          answer.execute(tx, e as PrivacyWithdrawAllRequestedV1),
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
export const WITHDRAW_ALL_REQUEST_PROVIDERS: Provider[] = [AnswerWithdrawAll, WithdrawAllRequestsConsumer];
