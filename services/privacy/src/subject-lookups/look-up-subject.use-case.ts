import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import { TOPICS, type PrivacySubjectLookupRequestedV1 } from '@siyu/contracts';
import { sealToRecipient } from '@siyu/crypto';
import { addToOutbox } from '@siyu/messaging';
import { RequesterChallengeRepository } from '../customer-requests/requester-challenge.repository';
import { parseMainlandMobile } from '../customer-requests/start-customer-request.use-case';
import { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { SubjectLookupsError, SubjectLookupsErrorCode } from './subject-lookups.errors';
import { SubjectLookupsRepository } from './subject-lookups.repository';

export const LOOKUP_PURPOSES = ['answer_verified_request', 'follow_up_customer_request'] as const;
export type LookupPurpose = (typeof LOOKUP_PURPOSES)[number];

/**
 * A privacy officer finds the subject of a verified offline request by its phone (R14). Privacy
 * keeps no phone and no index of phones: it seals the phone to consent (the public page's key, ADR
 * 0009), which looks it up by its blind index. The lookup, its event and audit commit together.
 */
@Injectable()
export class LookUpSubject {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly lookups: SubjectLookupsRepository,
    private readonly challenges: RequesterChallengeRepository,
  ) {}

  async execute(
    officer: Actor,
    input: { phone: string; purpose: LookupPurpose; reference: string },
    now = new Date(),
  ): Promise<{ lookupId: string }> {
    const phone = parseMainlandMobile(input.phone);
    if (!phone)
      throw new SubjectLookupsError(
        SubjectLookupsErrorCode.PHONE_INVALID,
        'phone is not a valid mainland mobile number',
      );
    const lookupId = randomUUID();
    const brandId = this.options.brandId;
    await this.ds.transaction(async (tx) => {
      const key = await this.challenges.findSealKey(tx, brandId);
      if (!key)
        throw new SubjectLookupsError(
          SubjectLookupsErrorCode.NOT_READY,
          'consent has not published its seal key yet',
        );
      await this.lookups.insert(tx, {
        id: lookupId,
        requestedBy: officer.id,
        purpose: input.purpose,
        reference: input.reference,
        requestedAt: now.toISOString(),
      });
      await addToOutbox<PrivacySubjectLookupRequestedV1>(tx, TOPICS.privacySubjectLookupRequested, lookupId, {
        type: 'privacy.subject-lookup-requested.v1',
        lookupId,
        brandId,
        requestedBy: officer.id,
        purpose: input.purpose,
        sealed: sealToRecipient(key, JSON.stringify({ phone }), lookupId),
      });
      await appendAudit(tx, {
        actor: officer.id,
        action: 'subject-lookup.requested',
        purpose: input.purpose,
        subject: `subject-lookup:${lookupId}`,
        fields: ['phone'],
        outcome: 'allowed',
      });
    });
    return { lookupId };
  }
}
