import { createHash, randomBytes } from 'node:crypto';
import { send, type VendorCallResult } from './http';

export interface WechatOptions {
  /** Our service, e.g. http://127.0.0.1:3002 */
  baseUrl: string;
  /** The server token configured for the official account. */
  token: string;
  /** The official account's id (gh_…). */
  account?: string;
}

/** WeChat's servers calling an official account's server URL (plaintext mode). */
export class FakeWechat {
  constructor(private readonly o: WechatOptions) {}

  /** The URL check WeChat runs when the server URL is saved. */
  async verifyUrl(echostr: string, token = this.o.token): Promise<VendorCallResult> {
    return send(`${this.signedUrl(token)}&echostr=${encodeURIComponent(echostr)}`, { method: 'GET' });
  }

  async unsubscribe(openid: string, createTime = nowSeconds()): Promise<VendorCallResult> {
    return this.push(openid, { CreateTime: String(createTime), MsgType: 'event', Event: 'unsubscribe' });
  }

  async clickMenu(openid: string, eventKey: string, createTime = nowSeconds()): Promise<VendorCallResult> {
    return this.push(openid, {
      CreateTime: String(createTime),
      MsgType: 'event',
      Event: 'CLICK',
      EventKey: eventKey,
    });
  }

  /**
   * The push WeChat sends after a subscription message (`subscribe_msg_sent_event`), shaped as its
   * documentation shows (developers.weixin.qq.com, 订阅消息事件推送 §3): a nested List.
   */
  async sendResult(r: WechatSendResultPush): Promise<VendorCallResult> {
    return this.pushRaw(wechatSendResultXml(r, this.o.account ?? 'gh_fake'), this.o.token, r.openid);
  }

  async push(
    openid: string,
    fields: Record<string, string>,
    token = this.o.token,
  ): Promise<VendorCallResult> {
    return this.pushRaw(
      wechatXml({ ToUserName: this.o.account ?? 'gh_fake', FromUserName: openid, ...fields }),
      token,
      openid,
    );
  }

  async pushRaw(xml: string, token = this.o.token, openid = ''): Promise<VendorCallResult> {
    return send(`${this.signedUrl(token)}&openid=${encodeURIComponent(openid)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: xml,
    });
  }

  private signedUrl(token: string): string {
    const timestamp = String(nowSeconds());
    const nonce = String(parseInt(randomBytes(4).toString('hex'), 16));
    const signature = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
    return `${this.o.baseUrl}/webhooks/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`;
  }
}

export interface WechatSendResultPush {
  openid: string;
  templateId: string;
  /** 64-bit, as decimal digits. */
  msgId: string;
  errorCode: number;
  errorStatus: string;
  createTime: number;
}

export function wechatSendResultXml(r: WechatSendResultPush, account = 'gh_fake'): string {
  return (
    `<xml><ToUserName><![CDATA[${account}]]></ToUserName><FromUserName><![CDATA[${r.openid}]]></FromUserName>` +
    `<CreateTime>${r.createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
    '<Event><![CDATA[subscribe_msg_sent_event]]></Event><SubscribeMsgSentEvent><List>' +
    `<TemplateId><![CDATA[${r.templateId}]]></TemplateId><MsgID>${r.msgId}</MsgID>` +
    `<ErrorCode>${r.errorCode}</ErrorCode><ErrorStatus><![CDATA[${r.errorStatus}]]></ErrorStatus>` +
    '</List></SubscribeMsgSentEvent></xml>'
  );
}

export function wechatXml(fields: Record<string, string>): string {
  const cdata = (v: string) => (/^\d+$/.test(v) ? v : `<![CDATA[${v}]]>`);
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}>${cdata(v)}</${k}>`)
    .join('')}</xml>`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
