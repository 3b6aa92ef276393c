import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import {
  TOPICS,
  type HeldDataLine,
  type PrivacyAccessRequestedV1,
  type PrivacyCorrectionRequestedV1,
  type PrivacyErasureRequestedV1,
  type PrivacyRequestAnsweredV1,
} from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import { OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { SubjectOutreachDataRepository } from './subject-outreach-data.repository';

/**
 * Outreach's answer to a data-subject request (R14), in the effect's transaction: what it holds to
 * send to the subject, or what it deleted and what it keeps as proof of what was sent.
 */
@Injectable()
export class AnswerOutreachSubjectRequest {
  constructor(
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly data: SubjectOutreachDataRepository,
  ) {}

  async answerAccess(tx: EntityManager, e: PrivacyAccessRequestedV1): Promise<void> {
    if (e.brandId !== this.options.brand.id) return;
    const c = await this.data.countAllOf(tx, e.subjectRef);
    await this.answer(tx, e, 'access', [
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
    ]);
  }

  async answerErasure(tx: EntityManager, e: PrivacyErasureRequestedV1): Promise<void> {
    if (e.brandId !== this.options.brand.id) return;
    const c = await this.data.countAllOf(tx, e.subjectRef);
    await this.data.erase(tx, e.subjectRef);
    await this.answer(tx, e, 'erasure', [
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
    ]);
  }

  /** Correction (R14): only the time zone is outreach's to correct; the receipt says what happened. */
  async answerCorrection(tx: EntityManager, e: PrivacyCorrectionRequestedV1): Promise<void> {
    if (e.brandId !== this.options.brand.id) return;
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
    await this.answer(tx, e, 'correct', [line]);
  }

  private async answer(
    tx: EntityManager,
    e: PrivacyAccessRequestedV1 | PrivacyErasureRequestedV1 | PrivacyCorrectionRequestedV1,
    kind: 'access' | 'erasure' | 'correct',
    lines: HeldDataLine[],
  ): Promise<void> {
    await appendAudit(tx, {
      actor: 'privacy-request',
      action: `data-subject-request.${kind}.answered`,
      purpose: 'data_subject_rights',
      subject: e.subjectRef,
      fields: lines.map((l) => l.category),
      outcome: 'allowed',
    });
    await addToOutbox<PrivacyRequestAnsweredV1>(tx, TOPICS.privacyRequestAnswered, e.subjectRef, {
      type: 'privacy.request-answered.v1',
      requestId: e.requestId,
      subjectRef: e.subjectRef,
      service: 'outreach',
      kind,
      lines,
    });
  }
}
