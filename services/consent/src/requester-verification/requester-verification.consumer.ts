import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import {
  TOPICS,
  type ConsentRequesterSealKeyV1,
  type PrivacyRequesterChallengedV1,
  type PrivacyRequesterSealKeyWantedV1,
  type PrivacySubjectLookupRequestedV1,
} from '@siyu/contracts';
import { addToOutbox, InboxConsumer } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { AnswerRequesterChallenge } from './answer-requester-challenge.use-case';
import { AnswerSubjectLookup } from './answer-subject-lookup.use-case';
import { RequesterCodeRepository } from './requester-code.repository';

/**
 * Answers privacy.requester-challenged.v1 in its own consumer group, and tells the privacy service
 * which public key to seal requesters' phones to: at start, and whenever privacy asks for it
 * (privacy.requester-seal-key-wanted.v1: the in-process transport keeps no history for a late subscriber).
 */
@Injectable()
export class RequesterVerificationConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: InboxConsumer;

  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly answer: AnswerRequesterChallenge,
    lookup: AnswerSubjectLookup,
  ) {
    this.consumer = new InboxConsumer(ds, options.transport, {
      group: 'consent.requester-verification',
      topics: [
        TOPICS.privacyRequesterChallenged,
        TOPICS.privacyRequesterSealKeyWanted,
        TOPICS.privacySubjectLookupRequested,
      ],
      handlers: {
        'privacy.requester-challenged.v1': (tx, e) => answer.execute(tx, e as PrivacyRequesterChallengedV1),
        'privacy.requester-seal-key-wanted.v1': (tx, e) =>
          (e as PrivacyRequesterSealKeyWantedV1).brandId === options.brand.id
            ? this.publishKeyIn(tx)
            : Promise.resolve(),
        'privacy.subject-lookup-requested.v1': (tx, e) =>
          lookup.execute(tx, e as PrivacySubjectLookupRequestedV1),
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.options.transport.ensureTopics([
      TOPICS.consentRequesterResolved,
      TOPICS.consentRequesterSealKey,
      TOPICS.consentSubjectLookupAnswered,
    ]);
    await this.ds.transaction((tx) => this.publishKeyIn(tx));
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async publishKeyIn(tx: EntityManager): Promise<void> {
    await addToOutbox<ConsentRequesterSealKeyV1>(tx, TOPICS.consentRequesterSealKey, this.options.brand.id, {
      type: 'consent.requester-seal-key.v1',
      brandId: this.options.brand.id,
      kid: this.answer.sealKey.kid,
      publicKey: this.answer.sealKey.publicKey,
    });
  }
}

/** Everything the feature needs, added to the consent module's providers in one line. */
export const REQUESTER_VERIFICATION_PROVIDERS: Provider[] = [
  RequesterCodeRepository,
  AnswerRequesterChallenge,
  AnswerSubjectLookup,
  RequesterVerificationConsumer,
];
