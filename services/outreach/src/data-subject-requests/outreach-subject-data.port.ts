import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  HeldDataLine,
  PrivacyAccessRequestedV1,
  PrivacyCorrectionRequestedV1,
  PrivacyErasureRequestedV1,
} from '@siyu/contracts';
import { auditLineCategories, type SubjectDataPort } from '@siyu/data-subject-requests';
import { OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { SubjectOutreachDataRepository } from './subject-outreach-data.repository';

/**
 * What outreach holds on a data subject (R14), answered in the effect's transaction by
 * `answerSubjectRequest` with an audit row naming the categories: what it holds to send to the
 * subject, or what it deleted and what it keeps as proof of what was sent.
 */
@Injectable()
export class OutreachSubjectData implements SubjectDataPort {
  readonly service = 'outreach';
  readonly brandId: string;
  readonly auditedFields = auditLineCategories;

  constructor(
    @Inject(OUTREACH_OPTIONS) options: OutreachModuleOptions,
    private readonly data: SubjectOutreachDataRepository,
  ) {
    this.brandId = options.brand.id;
  }

  async access(tx: EntityManager, e: PrivacyAccessRequestedV1): Promise<HeldDataLine[]> {
    const c = await this.data.countAllOf(tx, e.subjectRef);
    return [
      {
        category: 'consent_copy',
        records: c.consents,
        status: 'held',
        explanation: 'a copy of your consents per purpose and channel, checked before every message',
      },
      {
        category: 'contact_points',
        records: c.contactPoints,
        status: 'held',
        explanation: 'the phone or WeChat id you verified, sealed, opened only to send',
      },
      {
        category: 'message_log',
        records: c.sends,
        status: 'held',
        explanation: 'messages planned or sent to you',
      },
      {
        category: 'sandbox_texts',
        records: c.texts,
        status: 'held',
        explanation: 'test channel copies of texts',
      },
      {
        category: 'segment_memberships',
        records: c.segments,
        status: 'held',
        explanation: 'campaign audiences you were in',
      },
      {
        category: 'time_zone',
        records: c.timeZones,
        status: 'held',
        explanation: 'your time zone for quiet hours',
      },
      {
        category: 'suppressions',
        records: c.suppressions,
        status: 'held',
        explanation: 'your withdrawals, so nothing is sent after them',
      },
    ];
  }

  async erase(tx: EntityManager, e: PrivacyErasureRequestedV1): Promise<HeldDataLine[]> {
    const c = await this.data.countAllOf(tx, e.subjectRef);
    await this.data.erase(tx, e.subjectRef);
    return [
      {
        category: 'contact_points',
        records: c.contactPoints,
        status: 'deleted',
        explanation: 'sealed contact points',
      },
      {
        category: 'sandbox_texts',
        records: c.texts,
        status: 'deleted',
        explanation: 'test channel copies of texts',
      },
      {
        category: 'segment_memberships',
        records: c.segments,
        status: 'deleted',
        explanation: 'campaign audiences',
      },
      { category: 'time_zone', records: c.timeZones, status: 'deleted', explanation: 'time zone' },
      {
        category: 'consent_copy',
        records: c.consents,
        status: 'kept_as_proof',
        explanation: 'kept turned off, so no message can be sent to you again (R9, R10)',
      },
      {
        category: 'message_log',
        records: c.sends,
        status: 'kept_as_proof',
        explanation:
          'when which campaign was sent and its outcome, without phone or content: proof that nothing was sent without consent; planned ones stopped',
      },
      {
        category: 'suppressions',
        records: c.suppressions,
        status: 'kept_as_proof',
        explanation: 'your withdrawals (purposes, channels, time)',
      },
    ];
  }

  /** Correction (R14): only the time zone is outreach's to correct; the receipt says what happened. */
  async correct(tx: EntityManager, e: PrivacyCorrectionRequestedV1): Promise<HeldDataLine[]> {
    const outcome = await this.data.correctTimeZone(tx, e.subjectRef, e.value);
    const line: HeldDataLine =
      outcome === 'corrected'
        ? {
            category: 'time_zone',
            records: 1,
            status: 'corrected',
            explanation: `your time zone for quiet hours is now ${e.value}`,
          }
        : outcome === 'not_held'
          ? {
              category: 'time_zone',
              records: 0,
              status: 'held',
              explanation: 'we send you no messages and hold no time zone of yours: nothing to correct',
            }
          : {
              category: 'time_zone',
              records: 0,
              status: 'held',
              explanation: `${e.value} is not a time zone we can apply; your time zone is unchanged`,
            };
    return [line];
  }
}
