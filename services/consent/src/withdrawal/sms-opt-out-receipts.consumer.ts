import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { TOPICS, type SmsOptOutReceivedV1 } from '@siyu/contracts';
import { InboxConsumer } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { WithdrawConsent } from './withdraw-consent.use-case';

/**
 * R9: an SMS vendor's opt-out or blacklist receipt, matched by outreach to the subject it sent to
 * (`outreach.sms-opt-out-received.v1`), withdraws that subject's SMS channel for every purpose —
 * the same ledger entry and `consent.withdrawn.v1` as a keyword reply. Idempotent twice over: the
 * inbox records the event id in the withdrawal's transaction, and a subject with nothing active on
 * SMS gets no second entry.
 */
@Injectable()
export class SmsOptOutReceiptsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('consent-sms-opt-out-receipts');
  private readonly consumer: InboxConsumer;

  constructor(
    @Inject(CONSENT_DB) ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly withdraw: WithdrawConsent,
  ) {
    this.consumer = new InboxConsumer(ds, options.transport, {
      group: 'consent.sms-opt-out-receipts',
      topics: [TOPICS.smsOptOutReceived],
      handlers: {
        'outreach.sms-opt-out-received.v1': (tx, e) => this.withdrawn(tx, e as SmsOptOutReceivedV1),
      },
    });
  }

  private async withdrawn(tx: EntityManager, e: SmsOptOutReceivedV1): Promise<void> {
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

  async onApplicationBootstrap(): Promise<void> {
    // Outreach creates the topic too; either may start first.
    await this.options.transport.ensureTopics([TOPICS.smsOptOutReceived, TOPICS.consentWithdrawn]);
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}

/** Added to the consent module's providers in one line. */
export const SMS_OPT_OUT_RECEIPT_PROVIDERS: Provider[] = [SmsOptOutReceiptsConsumer];
