import { randomInt } from 'node:crypto';
import { send, type VendorCallResult } from './http';

export interface SmsVendorOptions {
  /** Our service, e.g. http://127.0.0.1:3002 */
  baseUrl: string;
  /** The token we put into the callback URL configured in the vendor's console. */
  token?: string;
}

function callbackUrl(o: SmsVendorOptions, vendor: string): string {
  return `${o.baseUrl}/webhooks/sms/${vendor}${o.token === undefined ? '' : `?token=${encodeURIComponent(o.token)}`}`;
}

export interface AliyunUpMessage {
  phone_number: string;
  content: string;
  sign_name: string;
  send_time?: string;
  dest_code?: string;
  sequence_id?: number;
}

/** Aliyun SMS pushing up-messages (SmsUp) by HTTP batch push: a JSON array. */
export class FakeAliyunSms {
  constructor(private readonly o: SmsVendorOptions) {}

  async pushUpMessages(messages: AliyunUpMessage[]): Promise<VendorCallResult> {
    const now = new Date(Date.now() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
    const body = messages.map((m) => ({
      send_time: now,
      dest_code: '1234',
      sequence_id: randomInt(1, 2 ** 31),
      ...m,
    }));
    return send(callbackUrl(this.o, 'aliyun'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}

export interface TencentReply {
  mobile: string;
  text: string;
  sign: string;
  nationcode?: string;
  extend?: string;
}

/** Tencent Cloud SMS calling the reply callback: one JSON object per reply. */
export class FakeTencentSms {
  constructor(private readonly o: SmsVendorOptions) {}

  async pushReply(reply: TencentReply): Promise<VendorCallResult> {
    const body = { extend: '', nationcode: '86', time: Math.floor(Date.now() / 1000), ...reply };
    return send(callbackUrl(this.o, 'tencent'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}
