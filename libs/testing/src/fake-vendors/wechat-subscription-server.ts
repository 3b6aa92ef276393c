import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WechatSendResultPush } from './wechat-official-account';
import { json, VendorHttpServer } from './vendor-server';

/**
 * WeChat official-account subscription messages (订阅通知) on 127.0.0.1: `cgi-bin/token` and
 * `cgi-bin/message/subscribe/bizsend`. One accepted one-time subscription allows one message; with
 * none left (or after the user refused) the send answers 43101 "user refuse to accept the msg".
 * Errcodes as documented for subscribe sends (40003 openid, 40037 template id, 43101 refused,
 * 47003 template data — e.g. Xm-Soft/XmSoft.AspNetCore.WxApi WxApiSendSubscribeResponse.cs).
 */
export interface FakeWechatSubscriptionOptions {
  appId: string;
  appSecret: string;
  /** template id → its data keys (thing1, time2, …). */
  templates: Record<string, string[]>;
  /**
   * Whether bizsend's answer carries the msgid (default true). WeChat's event documentation says the
   * MsgID "is also returned by the call"; an answer without it leaves matching to member + template +
   * time. It is a 64-bit integer written as a JSON number, beyond what a JS number holds exactly.
   */
  answerMsgid?: boolean;
}

export interface WechatSubscribeSent {
  /** 64-bit, as decimal digits. */
  msgid: string;
  openid: string;
  templateId: string;
  data: Record<string, string>;
  page?: string;
  at: Date;
}

export interface WechatApiCall {
  path: string;
  errcode: number;
  body: any;
}

export class FakeWechatSubscriptionServer {
  readonly calls: WechatApiCall[] = [];
  readonly sent: WechatSubscribeSent[] = [];
  /** openid → template id → one-time subscriptions accepted and not used yet. */
  private readonly subscriptions = new Map<string, Map<string, number>>();
  private readonly tokens = new Set<string>();
  private failures: { path: string; errcode: number }[] = [];
  private hangs: string[] = [];

  private constructor(
    private readonly http: VendorHttpServer,
    private readonly o: FakeWechatSubscriptionOptions,
  ) {}

  static async start(o: FakeWechatSubscriptionOptions): Promise<FakeWechatSubscriptionServer> {
    const box: { self?: FakeWechatSubscriptionServer } = {};
    const http = await VendorHttpServer.start((req, body, res) => box.self!.handle(req, body, res));
    box.self = new FakeWechatSubscriptionServer(http, o);
    return box.self;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.http.port}`;
  }

  /** The user tapped "allow" on the subscription popup for this template (`times` times). */
  accept(openid: string, templateId: string, times = 1): void {
    const m = this.subscriptions.get(openid) ?? new Map<string, number>();
    m.set(templateId, (m.get(templateId) ?? 0) + times);
    this.subscriptions.set(openid, m);
  }

  /** The user turned the brand's notifications off: every subscription is gone. */
  refuseAll(openid: string): void {
    this.subscriptions.delete(openid);
  }

  remaining(openid: string, templateId: string): number {
    return this.subscriptions.get(openid)?.get(templateId) ?? 0;
  }

  failNext(path: string, errcode: number): void {
    this.failures.push({ path, errcode });
  }

  /** The next call to this path never answers (after sending, for bizsend). */
  hangNext(path: string): void {
    this.hangs.push(path);
  }

  /** The `subscribe_msg_sent_event` WeChat pushes to the account's callback after this message. */
  resultOf(sent: WechatSubscribeSent, errorCode = 0, errorStatus = 'success'): WechatSendResultPush {
    return {
      openid: sent.openid,
      templateId: sent.templateId,
      msgId: sent.msgid,
      errorCode,
      errorStatus,
      createTime: Math.floor(sent.at.getTime() / 1000),
    };
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    let body: any = {};
    if (req.method === 'POST') {
      try {
        body = JSON.parse(raw.toString('utf8') || '{}');
      } catch {
        return this.answer(res, path, body, 47001, 'data format error');
      }
    }
    const failure = this.failures.findIndex((f) => f.path === path);
    if (failure >= 0) {
      const [{ errcode }] = this.failures.splice(failure, 1);
      return this.answer(res, path, body, errcode, errcode === -1 ? 'system error' : `error ${errcode}`);
    }
    if (path === '/cgi-bin/token') {
      if (url.searchParams.get('appid') !== this.o.appId)
        return this.answer(res, path, {}, 40013, 'invalid appid');
      if (url.searchParams.get('secret') !== this.o.appSecret) {
        return this.answer(res, path, {}, 40125, 'invalid appsecret');
      }
      const token = randomBytes(24).toString('base64url');
      this.tokens.add(token);
      return this.answer(res, path, {}, 0, 'ok', { access_token: token, expires_in: 7200 });
    }
    if (!this.tokens.has(url.searchParams.get('access_token') ?? '')) {
      return this.answer(res, path, body, 40001, 'invalid credential, access_token is invalid or not latest');
    }
    if (path === '/cgi-bin/message/subscribe/bizsend') {
      const keys = this.o.templates[body.template_id];
      if (!keys) return this.answer(res, path, body, 40037, 'invalid template_id');
      if (typeof body.touser !== 'string' || !/^o[\w-]{20,}$/.test(body.touser)) {
        return this.answer(res, path, body, 40003, 'invalid openid');
      }
      for (const k of keys) {
        const v = body.data?.[k]?.value;
        // thing.DATA holds at most 20 characters (WeChat's keyword rules).
        if (typeof v !== 'string' || v.length === 0 || (k.startsWith('thing') && [...v].length > 20)) {
          return this.answer(res, path, body, 47003, `argument invalid! data.${k}.value invalid`);
        }
      }
      const left = this.remaining(body.touser, body.template_id);
      if (left <= 0) return this.answer(res, path, body, 43101, 'user refuse to accept the msg');
      this.subscriptions.get(body.touser)!.set(body.template_id, left - 1);
      // 19 digits, as WeChat's MsgIDs are (e.g. 1700827132819554304): beyond 2^53.
      const msgid = (2n ** 60n + BigInt(`0x${randomBytes(7).toString('hex')}`)).toString();
      this.sent.push({
        msgid,
        openid: body.touser,
        templateId: body.template_id,
        data: Object.fromEntries(keys.map((k) => [k, body.data[k].value])),
        ...(body.page ? { page: body.page } : {}),
        at: new Date(),
      });
      const hang = this.hangs.indexOf(path);
      if (hang >= 0) {
        this.hangs.splice(hang, 1);
        this.calls.push({ path, errcode: -999, body });
        return this.http.hold(res);
      }
      if (this.o.answerMsgid === false) return this.answer(res, path, body, 0, 'ok');
      this.calls.push({ path, errcode: 0, body });
      // Written by hand: JSON.stringify cannot write a number beyond 2^53 exactly.
      res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' });
      res.end(`{"errcode":0,"errmsg":"ok","msgid":${msgid}}`);
      return;
    }
    return this.answer(res, path, body, 404, `fake has no ${path}`);
  }

  private answer(
    res: ServerResponse,
    path: string,
    body: unknown,
    errcode: number,
    errmsg: string,
    extra: Record<string, unknown> = {},
  ): void {
    this.calls.push({ path, errcode, body });
    json(res, 200, { errcode, errmsg, ...extra });
  }
}
