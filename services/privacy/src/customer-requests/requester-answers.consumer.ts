import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  TOPICS,
  type ConsentRequesterResolvedV1,
  type ConsentRequesterSealKeyV1,
  type EventBase,
  type PrivacyRequesterSealKeyWantedV1,
} from '@siyu/contracts';
import { addToOutbox, type EventEffect } from '@siyu/messaging';
import { PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { RequesterChallengeRepository } from './requester-challenge.repository';

/** Consent's side of a customer-started request: its seal key, and which subject a phone verified. */
@Injectable()
export class RequesterAnswersConsumer {
  constructor(
    private readonly challenges: RequesterChallengeRepository,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
  ) {}

  readonly handlers: Record<string, EventEffect> = {
    'consent.requester-seal-key.v1': (tx, e) => this.saveKey(tx, e),
    'consent.requester-resolved.v1': (tx, e) => this.resolve(tx, e),
  };

  /** At start: without consent's key the public page cannot start a request, so ask for it. */
  async askForKeyIfMissing(tx: EntityManager): Promise<void> {
    if (await this.challenges.findSealKey(tx, this.options.brandId)) return;
    await addToOutbox<PrivacyRequesterSealKeyWantedV1>(
      tx,
      TOPICS.privacyRequesterSealKeyWanted,
      this.options.brandId,
      { type: 'privacy.requester-seal-key-wanted.v1', brandId: this.options.brandId },
    );
  }

  private async saveKey(tx: EntityManager, e: EventBase): Promise<void> {
    const key = e as ConsentRequesterSealKeyV1;
    if (key.brandId !== this.options.brandId) return;
    await this.challenges.saveSealKey(tx, key.brandId, key.kid, key.publicKey, new Date());
  }

  private async resolve(tx: EntityManager, e: EventBase): Promise<void> {
    const r = e as ConsentRequesterResolvedV1;
    if (r.brandId !== this.options.brandId) return;
    await this.challenges.recordResolution(tx, r.challengeId, r.subjectRef ?? null, new Date());
  }
}
