import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS, type WechatSendResultV1 } from '@siyu/contracts';
import { addToOutbox, ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { openidIndex, WechatBindingRepository } from './wechat-binding.repository';
import type { WechatSendResult } from './wechat-send-results';

/**
 * WeChat answers a subscription-message send twice: `bizsend`'s reply to outreach, and later a
 * `subscribe_msg_sent_event` push to this official account's callback. Outreach owns the send, so
 * the push goes on to it as `consent.wechat-send-result.v1`, naming the subject the openid is bound
 * to, never the openid (R1, R16). An openid bound to no subject was never sent to by outreach (it
 * sends only to openids a consent granted): nothing is forwarded.
 */
@Injectable()
export class ForwardWechatSendResults {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly bindings: WechatBindingRepository,
    private readonly messaging: ServiceMessaging,
  ) {}

  /** Resolves once the events are in the outbox; WeChat is answered `success` only then. */
  async execute(openid: string, createTime: number, results: WechatSendResult[]): Promise<number> {
    if (results.length === 0) return 0;
    const brandId = this.options.brand.id;
    const index = openidIndex(this.keys.index, brandId, openid);
    const forwarded = await this.ds.transaction(async (tx) => {
      const subjectRef = await this.bindings.findBoundSubject(tx, brandId, index);
      if (!subjectRef) return 0;
      let n = 0;
      for (const r of results) {
        // WeChat retries a push it got no `success` for (up to three times): the same MsgID and
        // result give the same event id, taken once by outreach's inbox.
        const eventId = resultEventId(brandId, r);
        if (await this.bindings.waitsInOutbox(tx, eventId)) continue;
        n++;
        await addToOutbox<WechatSendResultV1>(tx, TOPICS.consentWechatSendResult, subjectRef, {
          eventId,
          type: 'consent.wechat-send-result.v1',
          subjectRef,
          brandId,
          msgId: r.msgId,
          templateId: r.templateId,
          errorCode: r.errorCode,
          errorStatus: r.errorStatus,
          sentAt: new Date(createTime * 1000).toISOString(),
        });
      }
      return n;
    });
    if (forwarded > 0) this.messaging.relay.kick();
    return forwarded;
  }
}

/** A name-based (v5-shaped) uuid of brand, MsgID and result. */
export function resultEventId(brandId: string, r: WechatSendResult): string {
  const h = createHash('sha256')
    .update(`wechat-send-result:${brandId}:${r.msgId}:${r.templateId}:${r.errorCode}`)
    .digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
