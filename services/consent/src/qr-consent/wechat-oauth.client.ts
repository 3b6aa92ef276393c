import { Inject, Injectable } from '@nestjs/common';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';

const EXCHANGE_TIMEOUT_MS = 5000;

/**
 * WeChat web OAuth (snsapi_base) for the official account: the customer's openid, nothing else.
 * Configured by WECHAT_APP_ID / WECHAT_APP_SECRET; without them the page offers only the phone code.
 */
@Injectable()
export class WechatOAuthClient {
  private readonly appId?: string;
  private readonly appSecret?: string;
  private readonly oauthBase: string;
  private readonly apiBase: string;

  constructor(@Inject(CONSENT_OPTIONS) options: ConsentModuleOptions) {
    const env = options.env;
    this.appId = env.WECHAT_APP_ID?.trim() || undefined;
    this.appSecret = env.WECHAT_APP_SECRET?.trim() || undefined;
    this.oauthBase = (env.WECHAT_OAUTH_BASE_URL?.trim() || 'https://open.weixin.qq.com').replace(/\/$/, '');
    this.apiBase = (env.WECHAT_API_BASE_URL?.trim() || 'https://api.weixin.qq.com').replace(/\/$/, '');
  }

  get configured(): boolean {
    return this.appId !== undefined && this.appSecret !== undefined;
  }

  authorizeUrl(redirectUri: string, state: string): string {
    const q = new URLSearchParams({
      appid: this.requireAppId(),
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'snsapi_base',
      state,
    });
    return `${this.oauthBase}/connect/oauth2/authorize?${q.toString()}#wechat_redirect`;
  }

  /** Exchanges the one-time code for the openid; any WeChat error reads as a failed authorisation. */
  async openidFor(code: string): Promise<string> {
    const q = new URLSearchParams({
      appid: this.requireAppId(),
      secret: this.appSecret!,
      code,
      grant_type: 'authorization_code',
    });
    let body: { openid?: unknown; errcode?: unknown };
    try {
      const res = await fetch(`${this.apiBase}/sns/oauth2/access_token?${q.toString()}`, {
        signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
      });
      body = (await res.json()) as typeof body;
    } catch {
      throw new QrConsentError(QrConsentErrorCode.WECHAT_UNAVAILABLE, 'wechat token endpoint unreachable');
    }
    if (typeof body.openid !== 'string' || body.openid.length === 0 || body.openid.length > 128)
      throw new QrConsentError(
        QrConsentErrorCode.WECHAT_AUTH_FAILED,
        `wechat errcode ${String(body.errcode)}`,
      );
    return body.openid;
  }

  private requireAppId(): string {
    if (!this.configured)
      throw new QrConsentError(QrConsentErrorCode.WECHAT_UNAVAILABLE, 'WeChat OAuth is not configured');
    return this.appId!;
  }
}
