import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConsentRequesterResolvedV1, ConsentRequesterSealKeyV1, EventBase } from '@siyu/contracts';
import type { EventEffect } from '@siyu/messaging';
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
