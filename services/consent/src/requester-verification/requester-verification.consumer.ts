import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS, type ConsentRequesterSealKeyV1, type PrivacyRequesterChallengedV1 } from '@siyu/contracts';
import { addToOutbox, InboxConsumer } from '@siyu/messaging';
import { RecurringJob } from '@siyu/persistence';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { AnswerRequesterChallenge } from './answer-requester-challenge.use-case';
import { RequesterCodeRepository } from './requester-code.repository';

/** How often the seal key is published again: a privacy service that subscribed late still gets it. */
const REPUBLISH_KEY_MS = 5 * 60_000;

/**
 * Answers privacy.requester-challenged.v1 in its own consumer group, and tells the privacy service
 * which public key to seal requesters' phones to: at start, and every few minutes (the in-process
 * transport keeps no history for a subscriber that arrives after the first publication).
 */
@Injectable()
export class RequesterVerificationConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: InboxConsumer;
  private readonly republish: RecurringJob;

  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly answer: AnswerRequesterChallenge,
  ) {
    this.consumer = new InboxConsumer(ds, options.transport, {
      group: 'consent.requester-verification',
      topics: [TOPICS.privacyRequesterChallenged],
      handlers: {
        'privacy.requester-challenged.v1': (tx, e) => answer.execute(tx, e as PrivacyRequesterChallengedV1),
      },
    });
    this.republish = new RecurringJob(
      () => this.publishKey(),
      (err) => options.announce?.(`consent: seal key publication failed: ${(err as Error).message}`),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.options.transport.ensureTopics([
      TOPICS.consentRequesterResolved,
      TOPICS.consentRequesterSealKey,
    ]);
    await this.publishKey();
    await this.consumer.start();
    this.republish.start(REPUBLISH_KEY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.republish.stop();
    await this.consumer.stop();
  }

  private async publishKey(): Promise<void> {
    await this.ds.transaction((tx) =>
      addToOutbox<ConsentRequesterSealKeyV1>(tx, TOPICS.consentRequesterSealKey, this.options.brand.id, {
        type: 'consent.requester-seal-key.v1',
        brandId: this.options.brand.id,
        kid: this.answer.sealKey.kid,
        publicKey: this.answer.sealKey.publicKey,
      }),
    );
  }
}

/** Everything the feature needs, added to the consent module's providers in one line. */
export const REQUESTER_VERIFICATION_PROVIDERS: Provider[] = [
  RequesterCodeRepository,
  AnswerRequesterChallenge,
  RequesterVerificationConsumer,
];
