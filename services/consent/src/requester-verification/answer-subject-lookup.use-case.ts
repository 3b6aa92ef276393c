import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import {
  TOPICS,
  type ConsentSubjectLookupAnsweredV1,
  type PrivacySubjectLookupRequestedV1,
} from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { normaliseMobile } from '../qr-consent/phone';
import { SubjectRepository } from '../subjects/subject.repository';
import { AnswerRequesterChallenge } from './answer-requester-challenge.use-case';

/**
 * A privacy officer's lookup of one phone for a verified request (R14): consent opens the sealed
 * phone with the same key as the public page's challenges, finds the subject by its blind index, and
 * records who looked and why. The phone is neither stored nor logged; no code is sent.
 */
@Injectable()
export class AnswerSubjectLookup {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly subjects: SubjectRepository,
    private readonly challenges: AnswerRequesterChallenge,
  ) {}

  async execute(tx: EntityManager, e: PrivacySubjectLookupRequestedV1): Promise<void> {
    const { brand } = this.options;
    if (e.brandId !== brand.id) return;
    const { phone } = JSON.parse(this.challenges.sealKey.open(e.sealed, e.lookupId)) as { phone: string };
    const phoneIndex = this.keys.phoneIndex(brand.id, normaliseMobile(phone));
    const subjectRef = await this.subjects.findByPhoneIndex(tx, brand.id, phoneIndex);
    await appendAudit(tx, {
      actor: e.requestedBy,
      action: subjectRef ? 'subject-lookup.found' : 'subject-lookup.not-found',
      purpose: e.purpose,
      subject: subjectRef ?? e.lookupId,
      fields: ['phone_index'],
      outcome: 'allowed',
    });
    await addToOutbox<ConsentSubjectLookupAnsweredV1>(tx, TOPICS.consentSubjectLookupAnswered, e.lookupId, {
      type: 'consent.subject-lookup-answered.v1',
      lookupId: e.lookupId,
      brandId: brand.id,
      ...(subjectRef ? { subjectRef } : {}),
    });
  }
}
