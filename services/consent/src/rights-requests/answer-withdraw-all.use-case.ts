import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import {
  CHANNELS,
  TOPICS,
  type HeldDataLine,
  type PrivacyRequestAnsweredV1,
  type PrivacyWithdrawAllRequestedV1,
} from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { WithdrawConsent } from '../withdrawal/withdraw-consent.use-case';

/**
 * "Withdraw everything" as a tracked request (R9, R14): every active consent on every channel is
 * withdrawn in one ledger entry (source privacy_request), in the effect's transaction; audience and
 * outreach then delete what rested on it (R10) from consent.withdrawn.v1, as for any withdrawal.
 */
@Injectable()
export class AnswerWithdrawAll {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly withdraw: WithdrawConsent,
  ) {}

  async execute(tx: EntityManager, e: PrivacyWithdrawAllRequestedV1): Promise<void> {
    if (e.brandId !== this.options.brand.id) return;
    const outcome = await this.withdraw.withdrawIn(tx, {
      brandId: e.brandId,
      subjectRef: e.subjectRef,
      purposes: 'all',
      channels: [...CHANNELS],
      source: 'privacy_request',
      evidence: { requestId: e.requestId },
    });
    const lines: HeldDataLine[] = [
      outcome.withdrawn
        ? {
            category: 'active_consents',
            records: outcome.purposes.length,
            status: 'withdrawn',
            explanation: `withdrawn at once: ${outcome.purposes.join(', ')} on ${outcome.channels.join(', ')}; marketing data resting on them is deleted (R10)`,
          }
        : {
            category: 'active_consents',
            records: 0,
            status: 'withdrawn',
            explanation: 'no active consent to withdraw',
          },
    ];
    await appendAudit(tx, {
      actor: 'privacy-request',
      action: 'data-subject-request.withdraw_all.answered',
      purpose: 'data_subject_rights',
      subject: e.subjectRef,
      fields: ['active_consents'],
      outcome: 'allowed',
    });
    await addToOutbox<PrivacyRequestAnsweredV1>(tx, TOPICS.privacyRequestAnswered, e.subjectRef, {
      type: 'privacy.request-answered.v1',
      requestId: e.requestId,
      subjectRef: e.subjectRef,
      service: 'consent',
      kind: 'withdraw_all',
      lines,
    });
  }
}
