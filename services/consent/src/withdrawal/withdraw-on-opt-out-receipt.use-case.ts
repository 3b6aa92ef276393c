import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SmsOptOutReceivedV1 } from '@siyu/contracts';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { WithdrawConsent } from './withdraw-consent.use-case';

/**
 * R9: an SMS vendor's opt-out or blacklist receipt, matched by outreach to the subject it sent to
 * (`outreach.sms-opt-out-received.v1`), withdraws that subject's SMS channel for every purpose —
 * the same ledger entry and `consent.withdrawn.v1` as a keyword reply. Idempotent twice over: the
 * inbox records the event id in the withdrawal's transaction, and a subject with nothing active on
 * SMS gets no second entry.
 */
@Injectable()
export class WithdrawOnOptOutReceipt {
  private readonly logger = new Logger('consent-sms-opt-out-receipts');

  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly withdraw: WithdrawConsent,
  ) {}

  async execute(tx: EntityManager, e: SmsOptOutReceivedV1): Promise<void> {
    if (e.brandId !== this.options.brand.id) {
      this.logger.warn(`opt-out receipt for brand ${e.brandId} ignored: this deployment serves another`);
      return;
    }
    await this.withdraw.withdrawIn(tx, {
      brandId: e.brandId,
      subjectRef: e.subjectRef,
      purposes: 'all',
      channels: ['sms'],
      source: 'sms_vendor_receipt',
      evidence: {
        kind: e.kind,
        vendor: e.vendor,
        sendId: e.sendId,
        reportedAt: e.reportedAt,
        ...(e.vendorCode ? { vendorCode: e.vendorCode } : {}),
      },
    });
  }
}
