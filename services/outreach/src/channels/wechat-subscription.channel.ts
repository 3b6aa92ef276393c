import { ApiRateLimiter } from './api-rate-limiter';
import { ErrcodeApiClient } from './errcode-api-client';
import type { WechatCredentials } from './vendor-credentials';

/** "User refused to accept the msg": no accepted subscription left, or the user turned them off. */
export const WECHAT_SUBSCRIPTION_REFUSED = 43101;

export interface WechatSubscriptionMessage {
  /** Our send id for (run, member, WeChat). */
  sendId: string;
  /** The member's openid (personal data, R1: never logged). */
  openid: string;
  templateId: string;
  /** Template keywords (thing1, time2, …) → values; never PII beyond what the member gave. */
  data: Record<string, string>;
  /** The page the notification opens (e.g. the offer or the preference centre). */
  page?: string;
}

export type WechatSendOutcome =
  | { sendId: string; status: 'submitted'; vendorMessageId: string }
  /**
   * 43101: the member has no accepted subscription for this template (one acceptance allows one
   * send) or refused: record it and set the member's WeChat subscription state to "none left".
   */
  | { sendId: string; status: 'refused'; errcode: typeof WECHAT_SUBSCRIPTION_REFUSED }
  | { sendId: string; status: 'rejected'; errcode: number; errmsg: string }
  /** No answer: WeChat may have sent it (and used the subscription) — reconcile, never resend. */
  | { sendId: string; status: 'unknown'; errorCode: string };

export interface WechatSubscriptionChannelOptions {
  callsPerSecond?: number;
  timeoutMs?: number;
  maxRetries?: number;
  backoffMs?: number;
}

/**
 * WeChat official-account subscription messages (订阅通知, `message/subscribe/bizsend`): one call
 * per message. Only -1 (system busy: nothing done) is retried; 45009/45011 are daily/minute quotas
 * that a retry within seconds cannot help, so they come back as rejections for the run to defer.
 */
export class WechatSubscriptionChannel {
  private readonly api: ErrcodeApiClient;

  constructor(credentials: WechatCredentials, options: WechatSubscriptionChannelOptions = {}) {
    this.api = new ErrcodeApiClient({
      name: 'WeChat',
      baseUrl: credentials.apiBase,
      tokenPath: () =>
        `/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(credentials.appId)}&secret=${encodeURIComponent(credentials.appSecret.reveal())}`,
      limiter: new ApiRateLimiter(options.callsPerSecond ?? 50),
      timeoutMs: options.timeoutMs ?? 5000,
      transientErrcodes: new Set([-1]),
      // 40001 on an API call means the token is no longer the latest; refresh once.
      tokenErrcodes: new Set([40001, 40014, 42001]),
      maxRetries: options.maxRetries ?? 3,
      backoffMs: options.backoffMs ?? 200,
    });
  }

  async send(messages: WechatSubscriptionMessage[]): Promise<WechatSendOutcome[]> {
    const out: WechatSendOutcome[] = [];
    for (const m of messages) {
      const res = await this.api.call(
        '/cgi-bin/message/subscribe/bizsend',
        {
          touser: m.openid,
          template_id: m.templateId,
          ...(m.page ? { page: m.page } : {}),
          data: Object.fromEntries(Object.entries(m.data).map(([k, value]) => [k, { value }])),
        },
        { retryWithoutAnswer: false },
      );
      if (res.kind === 'ok') {
        out.push({ sendId: m.sendId, status: 'submitted', vendorMessageId: String(res.data.msgid ?? '') });
      } else if (res.kind === 'error' && res.errcode === WECHAT_SUBSCRIPTION_REFUSED) {
        out.push({ sendId: m.sendId, status: 'refused', errcode: WECHAT_SUBSCRIPTION_REFUSED });
      } else if (res.kind === 'error') {
        out.push({ sendId: m.sendId, status: 'rejected', errcode: res.errcode, errmsg: res.errmsg });
      } else {
        out.push({ sendId: m.sendId, status: 'unknown', errorCode: res.errorCode });
      }
    }
    return out;
  }
}
