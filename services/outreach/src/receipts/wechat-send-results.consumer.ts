import type { Provider } from '@nestjs/common';
import { TOPICS, WechatSendResultV1 } from '@siyu/contracts';
import { inboxConsumerProvider, on } from '@siyu/messaging';
import { OUTREACH_DB, OUTREACH_OPTIONS } from '../outreach.options';
import { RecordWechatSendResult } from './record-wechat-send-result.use-case';
import { SettleUnconfirmedWechatSends } from './settle-unconfirmed-wechat-sends.use-case';
import { WechatSendResultRepository } from './wechat-send-result.repository';

/**
 * Consent's `consent.wechat-send-result.v1` (WeChat's send-result push) in its own consumer group;
 * the inbox records each event id in the transaction that settles the send.
 */
export const WechatSendResultsConsumer = inboxConsumerProvider<[RecordWechatSendResult]>({
  provide: 'outreach.wechat-send-results',
  group: 'outreach.wechat-send-results',
  topics: [TOPICS.consentWechatSendResult],
  db: OUTREACH_DB,
  options: OUTREACH_OPTIONS,
  inject: [RecordWechatSendResult],
  handlers: (record) => [
    on(WechatSendResultV1, async (tx, e) => {
      await record.execute(tx, e);
    }),
  ],
});

/** Added to the outreach module's providers in one line. */
export const WECHAT_SEND_RESULT_PROVIDERS: Provider[] = [
  WechatSendResultRepository,
  RecordWechatSendResult,
  SettleUnconfirmedWechatSends,
  WechatSendResultsConsumer,
];
