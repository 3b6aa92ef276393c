import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { HeldDataLine, PrivacyAccessRequestedV1, PrivacyErasureRequestedV1 } from '@siyu/contracts';
import type { SubjectDataPort } from '@siyu/data-subject-requests';
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
 * What audience holds on a data subject (R14), answered in the effect's transaction by
 * `answerSubjectRequest`. Erasure deletes the member and everything derived (R10's path, taken at
 * once, whatever consent is still active) and keeps only the turned-off consent rows as the
 * suppression record. Audience's answer writes no audit row (it reads no sealed data).
 */
@Injectable()
export class AudienceSubjectData implements SubjectDataPort {
  readonly service = 'audience';
  readonly brandId: string;

  constructor(
    @Inject(AUDIENCE_OPTIONS) options: AudienceModuleOptions,
    private readonly data: SubjectMarketingDataRepository,
    private readonly members: MemberDataRepository,
  ) {
    this.brandId = options.brandId;
  }

  async access(tx: EntityManager, e: PrivacyAccessRequestedV1): Promise<HeldDataLine[]> {
    const c = await this.data.countAllOf(tx, e.subjectRef);
    return [
      ...lines(c, 'held'),
      {
        category: 'consent_copy',
        records: c.consents,
        status: 'held',
        explanation:
          "a copy of your consents per purpose and channel, kept in step with the consent service's",
      },
    ];
  }

  async erase(tx: EntityManager, e: PrivacyErasureRequestedV1): Promise<HeldDataLine[]> {
    await this.members.lockMember(tx, e.brandId, e.subjectRef);
    const before = await this.data.countAllOf(tx, e.subjectRef);
    await this.members.deleteAllButSuppression(tx, e.subjectRef);
    await this.data.turnOffConsents(tx, e.subjectRef);
    return [
      ...lines(before, 'deleted'),
      {
        category: 'consent_copy',
        records: before.consents,
        status: 'kept_as_proof',
        explanation:
          'kept turned off, without evidence, so no older consent message can make you a member again (R10)',
      },
    ];
  }
}
