import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  TOPICS,
  type HeldDataLine,
  type PrivacyAccessRequestedV1,
  type PrivacyErasureRequestedV1,
  type PrivacyRequestAnsweredV1,
} from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import { AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { MemberDataRepository } from '../members/member-data.repository';
import { SubjectMarketingDataRepository, type AudienceCounts } from './subject-marketing-data.repository';

const lines = (c: AudienceCounts, status: HeldDataLine['status']): HeldDataLine[] => [
  { category: 'membership', records: c.members, status, explanation: 'your membership of the brand' },
  {
    category: 'released_purchase_facts',
    records: c.facts,
    status,
    explanation: 'purchase facts released to marketing under your consent: dates, amounts, items, no address',
  },
  {
    category: 'member_features',
    records: c.features,
    status,
    explanation: 'figures computed from those facts (recency, frequency, spend)',
  },
  { category: 'member_tags', records: c.tags, status, explanation: 'tags derived from the figures' },
  {
    category: 'segment_memberships',
    records: c.segments,
    status,
    explanation: 'the marketing segments you were selected into',
  },
  {
    category: 'preference_choices',
    records: c.optouts + c.marks,
    status,
    explanation: 'tag categories you closed and when you changed preferences',
  },
];

/**
 * Audience's answer to a data-subject request (R14), in the effect's transaction. Erasure deletes
 * the member and everything derived (R10's path, taken at once, whatever consent is still active)
 * and keeps only the turned-off consent rows as the suppression record.
 */
@Injectable()
export class AnswerAudienceSubjectRequest {
  constructor(
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly data: SubjectMarketingDataRepository,
    private readonly members: MemberDataRepository,
  ) {}

  async answerAccess(tx: EntityManager, e: PrivacyAccessRequestedV1): Promise<void> {
    if (e.brandId !== this.options.brandId) return;
    const c = await this.data.countAllOf(tx, e.subjectRef);
    await this.answer(tx, e, 'access', [
      ...lines(c, 'held'),
      {
        category: 'consent_copy',
        records: c.consents,
        status: 'held',
        explanation:
          "a copy of your consents per purpose and channel, kept in step with the consent service's",
      },
    ]);
  }

  async answerErasure(tx: EntityManager, e: PrivacyErasureRequestedV1): Promise<void> {
    if (e.brandId !== this.options.brandId) return;
    await this.members.lockMember(tx, e.brandId, e.subjectRef);
    const before = await this.data.countAllOf(tx, e.subjectRef);
    await this.members.deleteAllButSuppression(tx, e.subjectRef);
    await this.data.turnOffConsents(tx, e.subjectRef);
    await this.answer(tx, e, 'erasure', [
      ...lines(before, 'deleted'),
      {
        category: 'consent_copy',
        records: before.consents,
        status: 'kept_as_proof',
        explanation:
          'kept turned off, without evidence, so no older consent message can make you a member again (R10)',
      },
    ]);
  }

  private async answer(
    tx: EntityManager,
    e: PrivacyAccessRequestedV1 | PrivacyErasureRequestedV1,
    kind: 'access' | 'erasure',
    answerLines: HeldDataLine[],
  ): Promise<void> {
    await addToOutbox<PrivacyRequestAnsweredV1>(tx, TOPICS.privacyRequestAnswered, e.subjectRef, {
      type: 'privacy.request-answered.v1',
      requestId: e.requestId,
      subjectRef: e.subjectRef,
      service: 'audience',
      kind,
      lines: answerLines,
    });
  }
}
