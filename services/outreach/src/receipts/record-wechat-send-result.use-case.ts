import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Channel, Purpose, WechatSendResultV1 } from '@siyu/contracts';
import { WECHAT_SUBSCRIPTION_REFUSED } from '../channels/wechat-subscription.channel';
import { ConsentProjectionRepository } from '../consent-projection/consent-projection.repository';
import { OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { WechatSendResultRepository } from './wechat-send-result.repository';

/** Default bound for a WeChat result event; also the matching window (ADR 0017). */
export const DEFAULT_WECHAT_RESULT_WAIT_MS = 15 * 60_000;

/**
 * WeChat's `subscribe_msg_sent_event`, forwarded by consent, settles the send it is about:
 * ErrorCode 0 → delivered; 43101 (the member refused) → failed and WeChat suppressed for them, as
 * the same code at send time does; any other code → failed with `WECHAT_<code>`. Runs in the inbox
 * transaction of the event, so a redelivered event is dropped there, and a settled send is never
 * matched again, so a second push with a new event id changes nothing either.
 */
@Injectable()
export class RecordWechatSendResult {
  constructor(
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly results: WechatSendResultRepository,
    private readonly projection: ConsentProjectionRepository,
  ) {}

  async execute(tx: EntityManager, e: WechatSendResultV1): Promise<'settled' | 'no_open_send'> {
    const send = await this.results.findOpenSend(tx, {
      subjectRef: e.subjectRef,
      msgId: e.msgId,
      templateId: e.templateId,
      sentAt: e.sentAt,
      windowMs: this.options.reconcile?.wechatResultWaitMs ?? DEFAULT_WECHAT_RESULT_WAIT_MS,
    });
    if (!send) return 'no_open_send';
    if (e.errorCode === 0) {
      await this.results.settle(tx, send.sendId, {
        state: 'delivered',
        msgId: e.msgId,
        errorCode: null,
        reason: null,
      });
      return 'settled';
    }
    const refused = e.errorCode === WECHAT_SUBSCRIPTION_REFUSED;
    await this.results.settle(tx, send.sendId, {
      state: 'failed',
      msgId: e.msgId,
      errorCode: `WECHAT_${e.errorCode}`,
      reason: refused ? 'wechat_refused' : null,
    });
    // No subscription left for this member: WeChat is suppressed until they subscribe again.
    if (refused)
      await this.projection.recordSuppression(
        tx,
        send.subjectRef,
        [send.purpose as Purpose],
        ['wechat' as Channel],
        'wechat_refused',
        e.sentAt,
      );
    return 'settled';
  }
}
