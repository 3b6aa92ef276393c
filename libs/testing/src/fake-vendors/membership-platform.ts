import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { send, type VendorCallResult } from './http';

export interface MembershipPlatformOptions {
  /** Our service, e.g. http://127.0.0.1:3002 */
  baseUrl: string;
  platform: 'tmall' | 'taobao' | 'douyin' | 'jd';
  shopId: string;
  secret: string;
}

export interface SignOverrides {
  timestamp?: number;
  nonce?: string;
  /** Signs with this secret instead of the shop's (a forger). */
  secret?: string;
  /** Sends no sign at all. */
  unsigned?: boolean;
}

/**
 * A brand-membership platform (Tmall 会员通 SPI style) calling the brand's endpoints: JSON body,
 * TOP-style HMAC-SHA256 signature over the sorted query parameters and the raw body.
 */
export class FakeMembershipPlatform {
  constructor(private readonly o: MembershipPlatformOptions) {}

  /** A body as the platform sends it for a join; override any field. */
  joinBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      request_id: randomUUID(),
      omid: `omid_${randomBytes(8).toString('hex')}`,
      seller_name: '示例品牌旗舰店',
      nick: 't**3',
      agreement_version: '3',
      join_time: Math.floor(Date.now() / 1000),
      ...overrides,
    };
  }

  async call(
    action: 'bind' | 'register' | 'query' | 'unbind',
    body: Record<string, unknown>,
    sign: SignOverrides = {},
  ): Promise<VendorCallResult> {
    const raw = JSON.stringify(body);
    const query: Record<string, string> = {
      shop_id: this.o.shopId,
      timestamp: String(sign.timestamp ?? Math.floor(Date.now() / 1000)),
      nonce: sign.nonce ?? randomBytes(12).toString('hex'),
      sign_method: 'hmac-sha256',
    };
    if (!sign.unsigned) query.sign = signMembershipCall(sign.secret ?? this.o.secret, query, raw);
    const url = `${this.o.baseUrl}/webhooks/membership/${this.o.platform}/${action}?${new URLSearchParams(query)}`;
    return send(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: raw });
  }
}

export function signMembershipCall(secret: string, query: Record<string, string>, rawBody: string): string {
  const canonical = Object.keys(query)
    .filter((k) => k !== 'sign')
    .sort()
    .map((k) => `${k}${query[k]}`)
    .join('');
  return createHmac('sha256', secret).update(canonical).update(rawBody).digest('hex').toUpperCase();
}
