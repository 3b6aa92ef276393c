import type { Campaign } from '../campaigns/campaign.repository';
import type { WechatSubscriptionChannel } from '../channels/wechat-subscription.channel';
import { notStarted, type AdmittedRecipient, type ChunkSender } from './chunk-sender';
import type { SendOutcome } from './send.repository';

/**
 * WeChat subscription messages (订阅通知): one call per recipient, each started before the chunk's
 * deadline. 43101 means the member has no accepted subscription left (one acceptance allows one
 * send) or refused: recorded as `wechat_refused`, which suppresses WeChat for them until they
 * subscribe again.
 */
export class WechatChunkSender implements ChunkSender {
  readonly vendor = 'wechat';
  readonly contactField = 'wechat_openid';
  readonly maxBatch = 50;

  constructor(
    private readonly campaign: Campaign,
    private readonly channel: WechatSubscriptionChannel,
  ) {}

  async send(batch: AdmittedRecipient[], deadline: number): Promise<SendOutcome[]> {
    const m = this.campaign.message;
    if (m?.kind !== 'wechat') throw new Error(`campaign ${this.campaign.id} has no WeChat message`);
    const out: SendOutcome[] = [];
    for (let i = 0; i < batch.length; i++) {
      if (Date.now() > deadline) {
        out.push(...notStarted(batch.slice(i)));
        break;
      }
      const a = batch[i];
      const [o] = await this.channel.send([
        {
          sendId: a.sendId,
          openid: a.contact,
          templateId: m.templateId,
          data: m.data,
          ...(m.page ? { page: m.page } : {}),
        },
      ]);
      switch (o.status) {
        case 'submitted':
          out.push({ sendId: a.sendId, state: 'submitted', vendorMessageId: o.vendorMessageId || undefined });
          break;
        case 'refused':
          out.push({
            sendId: a.sendId,
            state: 'failed',
            errorCode: `WECHAT_${o.errcode}`,
            reason: 'wechat_refused',
          });
          break;
        case 'rejected':
          out.push({
            sendId: a.sendId,
            state: 'failed',
            errorCode: `WECHAT_${o.errcode}`,
            reason: 'vendor_refused',
          });
          break;
        case 'unknown':
          out.push({ sendId: a.sendId, state: 'unknown', errorCode: o.errorCode });
      }
    }
    return out;
  }
}
