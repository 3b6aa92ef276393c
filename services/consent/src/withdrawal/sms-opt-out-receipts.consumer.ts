import type { Provider } from '@nestjs/common';
import { SmsOptOutReceivedV1, TOPICS } from '@siyu/contracts';
import { inboxConsumerProvider, on } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS } from '../consent.options';
import { WithdrawOnOptOutReceipt } from './withdraw-on-opt-out-receipt.use-case';

/**
 * Outreach's `outreach.sms-opt-out-received.v1` in its own consumer group (R9). Outreach creates
 * the topic too; either may start first (the inbox creates the topics it reads).
 */
export const SmsOptOutReceiptsConsumer = inboxConsumerProvider<[WithdrawOnOptOutReceipt]>({
  provide: 'consent.sms-opt-out-receipts',
  group: 'consent.sms-opt-out-receipts',
  topics: [TOPICS.smsOptOutReceived],
  produces: [TOPICS.consentWithdrawn],
  db: CONSENT_DB,
  options: CONSENT_OPTIONS,
  inject: [WithdrawOnOptOutReceipt],
  handlers: (withdraw) => [on(SmsOptOutReceivedV1, (tx, e) => withdraw.execute(tx, e))],
});

/** Added to the consent module's providers in one line. */
export const SMS_OPT_OUT_RECEIPT_PROVIDERS: Provider[] = [WithdrawOnOptOutReceipt, SmsOptOutReceiptsConsumer];
