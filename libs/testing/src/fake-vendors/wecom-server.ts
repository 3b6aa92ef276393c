import { createCipheriv, createHash, randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, VendorHttpServer } from './vendor-server';
import { send, type VendorCallResult } from './http';

/**
 * WeCom (企业微信) on 127.0.0.1: `gettoken`, `externalcontact/add_msg_template` (a task the staff
 * member must confirm in their app), `externalcontact/get_groupmsg_send_result` (`send_list` per
 * customer: 0 not sent yet, 1 sent, 2 not a contact, 3 already got this month's messages — WeCom
 * lets a customer receive 4 企业群发 messages per natural month), the lookups that find a task whose
 * creation got no answer (`get_groupmsg_list_v2`: tasks created in a time range, at most one month;
 * `get_groupmsg_task`: the staff member's status per task), and `send_welcome_msg` (the new
 * customer's welcome, with the one-time `WelcomeCode` of an `add_external_contact` event: valid 20 s,
 * once), with WeCom's error codes on demand.
 * It also plays WeCom calling our callback URL: events encrypted as WXBizMsgCrypt does (AES-256-CBC,
 * key = base64(EncodingAESKey + "="), IV = first 16 key bytes, 32-byte PKCS#7 padding, plaintext =
 * 16 random bytes + 4-byte length + message + corpid) and signed with msg_signature = sha1 of the
 * sorted token, timestamp, nonce and ciphertext.
 */
export interface FakeWecomOptions {
  corpId: string;
  secret: string;
  /** Callback Token and EncodingAESKey (43 chars) as configured in the admin console. */
  token: string;
  encodingAesKey: string;
  /** More API calls than this within one second answer 45033 (concurrency/frequency limit). Default: no limit. */
  callsPerSecondLimit?: number;
}

export interface WecomTask {
  msgid: string;
  sender: string;
  externalUserIds: string[];
  text: string;
  createdAt: Date;
  /** Per customer once the staff member confirmed: 1 sent, 2 not a contact, 3 monthly limit. */
  results: Map<string, { status: 0 | 1 | 2 | 3; sendTime?: number }>;
}

/** A welcome message WeCom accepted (send_welcome_msg), by the contact its WelcomeCode was issued for. */
export interface WecomWelcome {
  externalUserId: string;
  staffUserId: string;
  text: string | undefined;
  attachments: unknown[];
  at: Date;
}

export interface WecomApiCall {
  path: string;
  errcode: number;
  body: any;
}

export class FakeWecomServer {
  readonly calls: WecomApiCall[] = [];
  readonly tasks: WecomTask[] = [];
  /** external_userid → the staff userids it is a contact of. */
  readonly contacts = new Map<string, Set<string>>();
  /** Messages each customer received this natural month (Beijing), as WeCom counts them. */
  readonly receivedThisMonth = new Map<string, number>();
  readonly welcomes: WecomWelcome[] = [];
  private readonly welcomeCodes = new Map<
    string,
    { externalUserId: string; staffUserId: string; until: number; used: boolean }
  >();
  private readonly tokens = new Map<string, number>();
  private failures: { path: string; errcode: number }[] = [];
  private hangs: string[] = [];
  private window: number[] = [];

  private constructor(
    private readonly http: VendorHttpServer,
    private readonly o: FakeWecomOptions,
  ) {}

  static async start(o: FakeWecomOptions): Promise<FakeWecomServer> {
    const box: { self?: FakeWecomServer } = {};
    const http = await VendorHttpServer.start((req, body, res) => box.self!.handle(req, body, res));
    box.self = new FakeWecomServer(http, o);
    return box.self;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.http.port}`;
  }

  addContact(externalUserId: string, staffUserId: string): void {
    this.contacts.set(externalUserId, new Set([...(this.contacts.get(externalUserId) ?? []), staffUserId]));
  }

  removeContact(externalUserId: string, staffUserId: string): void {
    this.contacts.get(externalUserId)?.delete(staffUserId);
  }

  /** The next call to this path (e.g. '/cgi-bin/externalcontact/add_msg_template') answers errcode. */
  failNext(path: string, errcode: number, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push({ path, errcode });
  }

  /** The next call to this path never answers (after creating the task, for add_msg_template). */
  hangNext(path: string): void {
    this.hangs.push(path);
  }

  /** The next add_msg_template never answers and creates nothing (the request was lost on the way). */
  loseNext(path: string): void {
    this.hangs.push(`lost:${path}`);
  }

  /**
   * A customer adds a staff member: the contact exists, and WeCom issues the one-time WelcomeCode
   * its add_external_contact event carries (valid `ttlMs`, default 20 s, for one send_welcome_msg).
   */
  issueWelcomeCode(externalUserId: string, staffUserId: string, ttlMs = 20_000): string {
    this.addContact(externalUserId, staffUserId);
    const code = `wc${randomBytes(18).toString('base64url')}`;
    this.welcomeCodes.set(code, { externalUserId, staffUserId, until: Date.now() + ttlMs, used: false });
    return code;
  }

  /** Every issued access token stops working (42001), as after 7200 s. */
  expireTokens(): void {
    for (const t of this.tokens.keys()) this.tokens.set(t, 0);
  }

  /** The staff member confirms the task in their app: WeCom sends to each customer it still may. */
  confirm(msgid: string, at = new Date()): void {
    const task = this.tasks.find((t) => t.msgid === msgid);
    if (!task) throw new Error(`no task ${msgid}`);
    for (const id of task.externalUserIds) {
      const count = this.receivedThisMonth.get(id) ?? 0;
      if (!this.contacts.get(id)?.has(task.sender)) task.results.set(id, { status: 2 });
      else if (count >= 4) task.results.set(id, { status: 3 });
      else {
        this.receivedThisMonth.set(id, count + 1);
        task.results.set(id, { status: 1, sendTime: Math.floor(at.getTime() / 1000) });
      }
    }
  }

  /** WeCom calling our callback URL with an encrypted event (the inner XML fields as given). */
  async pushEvent(
    url: string,
    fields: Record<string, string>,
    opts: { token?: string; corpId?: string; timestamp?: number; tamper?: boolean } = {},
  ): Promise<VendorCallResult> {
    const { query, body } = this.encryptedCallback(wecomXml(fields), opts);
    const sep = url.includes('?') ? '&' : '?';
    return send(`${url}${sep}${new URLSearchParams(query).toString()}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body,
    });
  }

  /** The query string and body WeCom would send for this inner XML (for tests that call our code directly). */
  encryptedCallback(
    innerXml: string,
    opts: { token?: string; corpId?: string; timestamp?: number; tamper?: boolean } = {},
  ): { query: { msg_signature: string; timestamp: string; nonce: string }; body: string; encrypt: string } {
    const encrypt = this.encrypt(innerXml, opts.corpId ?? this.o.corpId);
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = String(randomInt(1e8, 1e9));
    const signature = sha1Sorted([opts.token ?? this.o.token, timestamp, nonce, encrypt]);
    const sent = opts.tamper ? `${encrypt.slice(0, -8)}AAAAAAA=` : encrypt;
    return {
      query: { msg_signature: signature, timestamp, nonce },
      body: `<xml><ToUserName><![CDATA[${this.o.corpId}]]></ToUserName><AgentID><![CDATA[2000003]]></AgentID><Encrypt><![CDATA[${sent}]]></Encrypt></xml>`,
      encrypt: sent,
    };
  }

  /** The URL check WeCom runs when the callback URL is saved: echostr encrypted, signed. */
  urlCheck(echo: string): { msg_signature: string; timestamp: string; nonce: string; echostr: string } {
    const echostr = this.encrypt(echo, this.o.corpId);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomInt(1e8, 1e9));
    return {
      msg_signature: sha1Sorted([this.o.token, timestamp, nonce, echostr]),
      timestamp,
      nonce,
      echostr,
    };
  }

  encrypt(message: string, corpId: string): string {
    const key = Buffer.from(`${this.o.encodingAesKey}=`, 'base64');
    const msg = Buffer.from(message, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length);
    const plain = Buffer.concat([randomBytes(16), len, msg, Buffer.from(corpId, 'utf8')]);
    const pad = 32 - (plain.length % 32);
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([
      cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
      cipher.final(),
    ]).toString('base64');
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
        return this.answer(res, path, body, { errcode: 47001, errmsg: 'data format error' });
      }
    }
    const now = Date.now();
    this.window = this.window.filter((t) => now - t < 1000);
    this.window.push(now);
    if (this.o.callsPerSecondLimit && this.window.length > this.o.callsPerSecondLimit) {
      return this.answer(res, path, body, { errcode: 45033, errmsg: 'api concurrent out of limit' });
    }
    const failure = this.failures.findIndex((f) => f.path === path);
    if (failure >= 0) {
      const [{ errcode }] = this.failures.splice(failure, 1);
      return this.answer(res, path, body, { errcode, errmsg: errmsgFor(errcode) });
    }
    if (path === '/cgi-bin/gettoken') {
      if (url.searchParams.get('corpid') !== this.o.corpId) {
        return this.answer(res, path, {}, { errcode: 40013, errmsg: 'invalid corpid' });
      }
      if (url.searchParams.get('corpsecret') !== this.o.secret) {
        return this.answer(res, path, {}, { errcode: 40001, errmsg: 'invalid credential' });
      }
      const token = randomBytes(24).toString('base64url');
      this.tokens.set(token, now + 7200_000);
      return this.answer(res, path, {}, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
    }
    const token = url.searchParams.get('access_token') ?? '';
    const expiry = this.tokens.get(token);
    if (expiry === undefined)
      return this.answer(res, path, body, { errcode: 40014, errmsg: 'invalid access_token' });
    if (expiry < now) return this.answer(res, path, body, { errcode: 42001, errmsg: 'access_token expired' });

    if (path === '/cgi-bin/externalcontact/add_msg_template') {
      if (this.takeHang(`lost:${path}`)) return this.hold(res, path, body);
      const ids: unknown = body.external_userid;
      if (body.chat_type !== undefined && body.chat_type !== 'single') {
        return this.answer(res, path, body, { errcode: 40058, errmsg: 'chat_type must be single here' });
      }
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 10000 || typeof body.sender !== 'string') {
        return this.answer(res, path, body, { errcode: 40058, errmsg: 'invalid external_userid or sender' });
      }
      if (typeof body.text?.content !== 'string' || body.text.content.length === 0) {
        return this.answer(res, path, body, { errcode: 41016, errmsg: 'text.content missing' });
      }
      const failList = (ids as string[]).filter((id) => !this.contacts.get(id)?.has(body.sender));
      const msgid = `msg${randomBytes(12).toString('base64url')}`;
      this.tasks.push({
        msgid,
        sender: body.sender,
        externalUserIds: (ids as string[]).filter((id) => !failList.includes(id)),
        text: body.text.content,
        createdAt: new Date(),
        results: new Map(),
      });
      if (this.takeHang(path)) return this.hold(res, path, body);
      return this.answer(res, path, body, { errcode: 0, errmsg: 'ok', fail_list: failList, msgid });
    }
    if (path === '/cgi-bin/externalcontact/get_groupmsg_send_result') {
      const task = this.tasks.find((t) => t.msgid === body.msgid);
      if (!task)
        return this.answer(res, path, body, {
          errcode: 41063,
          errmsg: 'msgid not found or still dispatching',
        });
      if (body.userid !== task.sender)
        return this.answer(res, path, body, { errcode: 0, errmsg: 'ok', send_list: [] });
      if (this.takeHang(path)) return this.hold(res, path, body);
      const rows = task.externalUserIds.map((id) => {
        const r = task.results.get(id) ?? { status: 0 as const };
        return {
          external_userid: id,
          userid: task.sender,
          status: r.status,
          ...(r.sendTime ? { send_time: r.sendTime } : {}),
        };
      });
      const { page, next } = paginate(rows, body.cursor, Math.min(Number(body.limit ?? 500), 1000));
      return this.answer(res, path, body, { errcode: 0, errmsg: 'ok', send_list: page, next_cursor: next });
    }
    if (path === '/cgi-bin/externalcontact/get_groupmsg_list_v2') {
      // chat_type, start_time and end_time are required; the range may span at most one month.
      const start = Number(body.start_time);
      const end = Number(body.end_time);
      if (!['single', 'group'].includes(body.chat_type) || !Number.isInteger(start) || !Number.isInteger(end))
        return this.answer(res, path, body, {
          errcode: 40058,
          errmsg: 'chat_type, start_time, end_time required',
        });
      if (end < start || end - start > 31 * 86400)
        return this.answer(res, path, body, { errcode: 40058, errmsg: 'time range over one month' });
      if (this.takeHang(path)) return this.hold(res, path, body);
      // Tasks created through the API are 企业发表 (create_type 0) and carry no creator.
      const filter = Number(body.filter_type ?? 2);
      const rows =
        body.chat_type !== 'single' || filter === 1
          ? []
          : this.tasks
              .filter((t) => {
                const at = Math.floor(t.createdAt.getTime() / 1000);
                return at >= start && at <= end;
              })
              .map((t) => ({
                msgid: t.msgid,
                create_type: 0,
                text: { content: t.text },
                create_time: Math.floor(t.createdAt.getTime() / 1000),
              }));
      const { page, next } = paginate(rows, body.cursor, Math.min(Number(body.limit ?? 50), 100));
      return this.answer(res, path, body, {
        errcode: 0,
        errmsg: 'ok',
        group_msg_list: page,
        next_cursor: next,
      });
    }
    if (path === '/cgi-bin/externalcontact/get_groupmsg_task') {
      const task = this.tasks.find((t) => t.msgid === body.msgid);
      if (!task) return this.answer(res, path, body, { errcode: 41063, errmsg: 'msgid not found' });
      // Per staff member: 0 not sent yet, 2 sent (confirmed in their app).
      const confirmed = task.results.size > 0;
      const rows = [{ userid: task.sender, status: confirmed ? 2 : 0 }];
      const { page, next } = paginate(rows, body.cursor, Math.min(Number(body.limit ?? 500), 1000));
      return this.answer(res, path, body, { errcode: 0, errmsg: 'ok', task_list: page, next_cursor: next });
    }
    if (path === '/cgi-bin/externalcontact/send_welcome_msg') {
      const grant = this.welcomeCodes.get(String(body.welcome_code ?? ''));
      // 41051: the code is unknown, used, or past its 20 s (WeCom: "externaluser has started chatting").
      if (!grant || grant.used || grant.until < now)
        return this.answer(res, path, body, { errcode: 41051, errmsg: 'invalid welcome_code' });
      const text = typeof body.text?.content === 'string' ? body.text.content : undefined;
      const attachments = Array.isArray(body.attachments) ? body.attachments : [];
      if (!text && attachments.length === 0)
        return this.answer(res, path, body, { errcode: 41016, errmsg: 'text or attachments required' });
      if (text && Buffer.byteLength(text) > 4000)
        return this.answer(res, path, body, { errcode: 45002, errmsg: 'content size out of limit' });
      grant.used = true;
      this.welcomes.push({
        externalUserId: grant.externalUserId,
        staffUserId: grant.staffUserId,
        text,
        attachments,
        at: new Date(now),
      });
      return this.answer(res, path, body, { errcode: 0, errmsg: 'ok' });
    }
    return this.answer(res, path, body, { errcode: 404, errmsg: `fake has no ${path}` });
  }

  private takeHang(path: string): boolean {
    const i = this.hangs.indexOf(path);
    if (i < 0) return false;
    this.hangs.splice(i, 1);
    return true;
  }

  private hold(res: ServerResponse, path: string, body: unknown): void {
    this.calls.push({ path, errcode: -999, body });
    this.http.hold(res);
  }

  private answer(
    res: ServerResponse,
    path: string,
    body: unknown,
    reply: { errcode: number } & Record<string, unknown>,
  ) {
    this.calls.push({ path, errcode: reply.errcode, body });
    json(res, 200, reply);
  }
}

function paginate<T>(rows: T[], cursor: unknown, limit: number): { page: T[]; next: string } {
  const start = cursor ? Number(Buffer.from(String(cursor), 'base64url').toString()) : 0;
  const next = start + limit < rows.length ? Buffer.from(String(start + limit)).toString('base64url') : '';
  return { page: rows.slice(start, start + limit), next };
}

function errmsgFor(errcode: number): string {
  switch (errcode) {
    case -1:
      return 'system busy';
    case 45009:
      return 'api freq out of limit';
    case 45033:
      return 'api concurrent out of limit';
    case 41063:
      return 'msg is being dispatched, try later';
    case 40001:
      return 'invalid credential';
    default:
      return `error ${errcode}`;
  }
}

export function wecomXml(fields: Record<string, string>): string {
  const cdata = (v: string) => (/^\d+$/.test(v) ? v : `<![CDATA[${v}]]>`);
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}>${cdata(v)}</${k}>`)
    .join('')}</xml>`;
}

function sha1Sorted(parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}
