import { createHash, createHmac, randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { beijingDate, beijingTime, json, requestArrivedAt, VendorHttpServer } from './vendor-server';
import { send, type VendorCallResult } from './http';

/**
 * Aliyun SMS (Dysmsapi 2017-05-25) on 127.0.0.1, spoken to by the unmodified official SDK
 * (`@alicloud/dysmsapi20170525` 4.6 through `@alicloud/openapi-core`). It verifies the V3 request
 * signature (ACS3-HMAC-SHA256 over method, path, sorted query, the `host`/`content-type`/`x-acs-*`
 * headers and the body's SHA-256, as `openapi-core/dist/utils.js` getAuthorization builds it),
 * implements SendBatchSms, QuerySendDetails and QuerySmsTemplateList, records every message, and
 * answers with the error codes Aliyun documents. See docs/vendors/sms-and-wecom.md.
 */
export interface FakeAliyunTemplate {
  templateCode: string;
  templateName: string;
  /** With `${name}` variables, as Aliyun stores it. */
  content: string;
  /** Aliyun TemplateType: 0 verification, 1 notification, 2 promotional. */
  type: 0 | 1 | 2;
  auditStatus?: 'AUDIT_STATE_PASS' | 'AUDIT_STATE_INIT' | 'AUDIT_STATE_NOT_PASS';
}

export interface AliyunRecordedMessage {
  bizId: string;
  outId: string | undefined;
  phone: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  /** 【签名】 + rendered text, as QuerySendDetails shows it. */
  content: string;
  sentAt: Date;
  /** When the SendBatchSms request carrying it reached the server (headers in, before parsing and the signature check). */
  arrivedAt: Date;
  /** QuerySendDetails SendStatus: 1 waiting for the receipt, 2 failed, 3 delivered. */
  sendStatus: 1 | 2 | 3;
  errCode: string;
  receivedAt?: Date;
}

export interface AliyunCall {
  action: string;
  /** What the fake answered: 'OK' or the error code. */
  code: string;
  query: Record<string, string>;
  form: Record<string, string>;
}

export interface AliyunSmsReport {
  phone_number: string;
  success: boolean;
  biz_id: string;
  out_id: string;
  send_time: string;
  report_time: string;
  err_code: string;
  err_msg: string;
  sms_size: string;
}

export interface FakeAliyunSmsServerOptions {
  accessKeyId: string;
  accessKeySecret: string;
  templates?: FakeAliyunTemplate[];
}

// Codes and messages as Aliyun answers them (help.aliyun.com/document_detail/101346.html, mirrored
// in public clients such as gobiny/libs.sms.ali response/sms_send_params.go).
const MESSAGES: Record<string, string> = {
  OK: 'OK',
  'isv.BUSINESS_LIMIT_CONTROL': '触发天级流控Permits:10',
  'isv.BLACK_KEY_CONTROL_LIMIT': '黑名单管控',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模板缺少变量',
  'isv.MOBILE_NUMBER_ILLEGAL': '非法手机号',
  'isv.MOBILE_COUNT_OVER_LIMIT': '手机号码数量超过限制',
  'isv.SMS_TEMPLATE_ILLEGAL': '该账号下找不到对应模板',
  'isv.INVALID_PARAMETERS': '参数异常',
  'isv.INVALID_JSON_PARAM': 'JSON参数不合法，只接受字符串值',
  'isp.SYSTEM_ERROR': '系统错误',
};

export class FakeAliyunSmsServer {
  readonly calls: AliyunCall[] = [];
  readonly messages: AliyunRecordedMessage[] = [];
  /** Numbers the vendor blacklisted (the recipient replied TD or complained): isv.BLACK_KEY_CONTROL_LIMIT. */
  readonly blacklisted = new Set<string>();
  /** Numbers past their per-number frequency limit: isv.BUSINESS_LIMIT_CONTROL. */
  readonly rateLimited = new Set<string>();
  /** Requests refused for a bad signature or an unknown key (counted, never recorded as messages). */
  signatureRefusals = 0;
  private readonly templates = new Map<string, FakeAliyunTemplate>();
  private readonly nonces = new Set<string>();
  private hangs: { accept: boolean }[] = [];
  private failures: string[] = [];

  private constructor(
    private readonly http: VendorHttpServer,
    private readonly o: FakeAliyunSmsServerOptions,
  ) {
    for (const t of o.templates ?? []) this.templates.set(t.templateCode, t);
  }

  static async start(o: FakeAliyunSmsServerOptions): Promise<FakeAliyunSmsServer> {
    const box: { self?: FakeAliyunSmsServer } = {};
    const http = await VendorHttpServer.start((req, body, res) => box.self!.handle(req, body, res));
    box.self = new FakeAliyunSmsServer(http, o);
    return box.self;
  }

  /** `host:port` for `new OpenApi.Config({ endpoint, protocol: 'http' })`. */
  get endpoint(): string {
    return `127.0.0.1:${this.http.port}`;
  }

  addTemplate(t: FakeAliyunTemplate): void {
    this.templates.set(t.templateCode, t);
  }

  /**
   * The next SendBatchSms call(s) never answer (the SDK's read timeout fires). `accept: true` records
   * the messages first, as when Aliyun sent them but the answer was lost.
   */
  hangNextSend(opts: { accept: boolean }, times = 1): void {
    for (let i = 0; i < times; i++) this.hangs.push(opts);
  }

  /** The next SendBatchSms call answers this code for the whole call (e.g. 'isp.SYSTEM_ERROR'). */
  failNextSend(code: string): void {
    this.failures.push(code);
  }

  /** The carrier's receipt arrives: delivered, or failed with a carrier code (e.g. 'MBBLACK'). */
  report(phone: string, outcome: { delivered: true } | { delivered: false; errCode: string }): void {
    for (const m of this.messages.filter((x) => x.phone === phone && x.sendStatus === 1)) {
      m.sendStatus = outcome.delivered ? 3 : 2;
      m.errCode = outcome.delivered ? 'DELIVERED' : outcome.errCode;
      m.receivedAt = new Date();
    }
  }

  reportAllDelivered(): void {
    for (const m of this.messages.filter((x) => x.sendStatus === 1))
      this.report(m.phone, { delivered: true });
  }

  /** SmsReport messages (MNS queue / HTTP batch push body) for every message with a receipt. */
  smsReports(): AliyunSmsReport[] {
    return this.messages
      .filter((m) => m.sendStatus !== 1)
      .map((m) => ({
        phone_number: m.phone,
        success: m.sendStatus === 3,
        biz_id: m.bizId,
        out_id: m.outId ?? '',
        send_time: beijingTime(m.sentAt),
        report_time: beijingTime(m.receivedAt ?? m.sentAt),
        err_code: m.errCode,
        err_msg: m.sendStatus === 3 ? '用户接收成功' : m.errCode,
        sms_size: String(Math.max(1, Math.ceil([...m.content].length / 67))),
      }));
  }

  /** Aliyun's HTTP batch push of SmsReport to the callback URL configured in the console. */
  async pushReports(url: string, reports = this.smsReports()): Promise<VendorCallResult> {
    return send(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(reports),
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const [path, rawQuery = ''] = (req.url ?? '/').split('?', 2);
    const query = flat(parseQuery(rawQuery));
    const refusal = this.verifySignature(req, path, query, body);
    const requestId = randomUUID().toUpperCase();
    if (refusal) {
      this.signatureRefusals++;
      return json(res, refusal.status, {
        RequestId: requestId,
        HostId: String(req.headers.host),
        Code: refusal.code,
        Message: refusal.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${refusal.code}`,
      });
    }
    const form = flat(parseQuery(body.toString('utf8')));
    const action = String(req.headers['x-acs-action']);
    if (action === 'SendBatchSms')
      return this.sendBatchSms(query, form, requestId, res, requestArrivedAt(req));
    if (action === 'QuerySendDetails') return this.querySendDetails(query, form, requestId, res);
    if (action === 'QuerySmsTemplateList') return this.querySmsTemplateList(query, form, requestId, res);
    this.calls.push({ action, code: 'InvalidAction.NotFound', query, form });
    json(res, 404, {
      RequestId: requestId,
      Code: 'InvalidAction.NotFound',
      Message: `Specified api is not found`,
    });
  }

  private verifySignature(
    req: IncomingMessage,
    path: string,
    query: Record<string, string>,
    body: Buffer,
  ): { status: number; code: string; message: string } | undefined {
    const h = req.headers;
    const auth = String(h.authorization ?? '');
    const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
    if (!m)
      return {
        status: 400,
        code: 'IncompleteSignature',
        message: 'The request signature does not conform to Aliyun standards.',
      };
    const [, accessKeyId, signedHeaderList, signature] = m;
    if (accessKeyId !== this.o.accessKeyId) {
      return {
        status: 404,
        code: 'InvalidAccessKeyId.NotFound',
        message: 'Specified access key is not found.',
      };
    }
    const date = Date.parse(String(h['x-acs-date'] ?? ''));
    if (!Number.isFinite(date) || Math.abs(Date.now() - date) > 15 * 60_000) {
      return {
        status: 400,
        code: 'InvalidTimeStamp.Expired',
        message: 'Specified time stamp or date value is expired.',
      };
    }
    const nonce = String(h['x-acs-signature-nonce'] ?? '');
    if (!nonce || this.nonces.has(nonce)) {
      return {
        status: 400,
        code: 'SignatureNonceUsed',
        message: 'Specified signature nonce was used already.',
      };
    }
    const bodyHash = createHash('sha256').update(body).digest('hex');
    if (h['x-acs-content-sha256'] !== bodyHash) {
      return {
        status: 400,
        code: 'SignatureDoesNotMatch',
        message: 'The x-acs-content-sha256 header does not match the body.',
      };
    }
    const signed = signedHeaderList.split(';');
    const required = ['host', ...Object.keys(h).filter((k) => k.startsWith('x-acs-'))];
    if (required.some((k) => !signed.includes(k))) {
      return {
        status: 400,
        code: 'IncompleteSignature',
        message: 'Host and every x-acs-* header must be signed.',
      };
    }
    const canonicalQuery = Object.keys(query)
      .sort()
      .map((k) => `${k}=${acsEncode(query[k])}`)
      .join('&');
    const canonicalHeaders = signed.map((k) => `${k}:${String(h[k] ?? '').trim()}\n`).join('');
    const canonicalRequest = [
      req.method,
      path,
      canonicalQuery,
      canonicalHeaders,
      signed.join(';'),
      bodyHash,
    ].join('\n');
    const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const expected = createHmac('sha256', this.o.accessKeySecret).update(stringToSign).digest('hex');
    if (expected !== signature) {
      return {
        status: 400,
        code: 'SignatureDoesNotMatch',
        message: 'Specified signature does not match our calculation.',
      };
    }
    this.nonces.add(nonce);
    return undefined;
  }

  private sendBatchSms(
    query: Record<string, string>,
    form: Record<string, string>,
    requestId: string,
    res: ServerResponse,
    arrivedAt: Date,
  ): void {
    const answer = (code: string, extra: Record<string, unknown> = {}) => {
      this.calls.push({ action: 'SendBatchSms', code, query, form });
      json(res, 200, { RequestId: requestId, Code: code, Message: MESSAGES[code] ?? code, ...extra });
    };
    let phones: string[], signs: string[], params: Record<string, string>[];
    try {
      phones = JSON.parse(form.PhoneNumberJson ?? 'null');
      signs = JSON.parse(form.SignNameJson ?? 'null');
      params = form.TemplateParamJson === undefined ? [] : JSON.parse(form.TemplateParamJson);
    } catch {
      return answer('isv.INVALID_JSON_PARAM');
    }
    if (!Array.isArray(phones) || !Array.isArray(signs) || phones.length === 0)
      return answer('isv.INVALID_PARAMETERS');
    if (phones.length > 100) return answer('isv.MOBILE_COUNT_OVER_LIMIT');
    if (signs.length !== phones.length || (params.length > 0 && params.length !== phones.length)) {
      return answer('isv.INVALID_PARAMETERS');
    }
    const template = this.templates.get(query.TemplateCode ?? '');
    if (!template || (template.auditStatus ?? 'AUDIT_STATE_PASS') !== 'AUDIT_STATE_PASS') {
      return answer('isv.SMS_TEMPLATE_ILLEGAL');
    }
    const variables = [...template.content.matchAll(/\$\{(\w+)\}/g)].map((v) => v[1]);
    for (const p of params) {
      if (typeof p !== 'object' || p === null || Object.values(p).some((v) => typeof v !== 'string')) {
        return answer('isv.INVALID_JSON_PARAM');
      }
    }
    if (variables.some((v) => phones.some((_, i) => !params[i] || params[i][v] === undefined))) {
      return answer('isv.TEMPLATE_MISSING_PARAMETERS');
    }
    if (phones.some((p) => !/^(86)?1\d{10}$/.test(p))) return answer('isv.MOBILE_NUMBER_ILLEGAL');
    // Aliyun refuses the whole call when one number is refused: no message of it is sent.
    if (phones.some((p) => this.blacklisted.has(p))) return answer('isv.BLACK_KEY_CONTROL_LIMIT');
    if (phones.some((p) => this.rateLimited.has(p))) return answer('isv.BUSINESS_LIMIT_CONTROL');
    const failure = this.failures.shift();
    if (failure) return answer(failure);

    const hang = this.hangs.shift();
    const bizId = `${randomInt(100000, 999999)}${Date.now()}^0`;
    if (!hang || hang.accept) {
      const now = new Date();
      phones.forEach((phone, i) => {
        const text = template.content.replace(/\$\{(\w+)\}/g, (_, v: string) => params[i]?.[v] ?? '');
        this.messages.push({
          bizId,
          outId: query.OutId,
          phone,
          signName: signs[i],
          templateCode: template.templateCode,
          params: params[i] ?? {},
          content: `【${signs[i]}】${text}`,
          sentAt: now,
          arrivedAt,
          sendStatus: 1,
          errCode: '',
        });
      });
    }
    if (hang) {
      this.calls.push({
        action: 'SendBatchSms',
        code: hang.accept ? 'HUNG_AFTER_ACCEPT' : 'HUNG',
        query,
        form,
      });
      return this.http.hold(res);
    }
    answer('OK', { BizId: bizId });
  }

  private querySendDetails(
    query: Record<string, string>,
    form: Record<string, string>,
    requestId: string,
    res: ServerResponse,
  ): void {
    const { PhoneNumber, SendDate, BizId } = query;
    const pageSize = Number(query.PageSize ?? 10);
    const page = Number(query.CurrentPage ?? 1);
    if (
      !PhoneNumber ||
      !/^\d{8}$/.test(SendDate ?? '') ||
      !(pageSize >= 1 && pageSize <= 50) ||
      !(page >= 1)
    ) {
      this.calls.push({ action: 'QuerySendDetails', code: 'isv.INVALID_PARAMETERS', query, form });
      return json(res, 200, { RequestId: requestId, Code: 'isv.INVALID_PARAMETERS', Message: '参数异常' });
    }
    const all = this.messages.filter(
      (m) => m.phone === PhoneNumber && beijingDate(m.sentAt) === SendDate && (!BizId || m.bizId === BizId),
    );
    const rows = all.slice((page - 1) * pageSize, page * pageSize).map((m) => ({
      PhoneNum: m.phone,
      SendStatus: m.sendStatus,
      ErrCode: m.errCode,
      TemplateCode: m.templateCode,
      Content: m.content,
      SendDate: beijingTime(m.sentAt),
      ReceiveDate: m.receivedAt ? beijingTime(m.receivedAt) : '',
      OutId: m.outId ?? '',
    }));
    this.calls.push({ action: 'QuerySendDetails', code: 'OK', query, form });
    json(res, 200, {
      RequestId: requestId,
      Code: 'OK',
      Message: 'OK',
      TotalCount: String(all.length),
      SmsSendDetailDTOs: { SmsSendDetailDTO: rows },
    });
  }

  private querySmsTemplateList(
    query: Record<string, string>,
    form: Record<string, string>,
    requestId: string,
    res: ServerResponse,
  ): void {
    const pageIndex = Number(query.PageIndex ?? 1);
    const pageSize = Number(query.PageSize ?? 10);
    const all = [...this.templates.values()];
    const rows = all.slice((pageIndex - 1) * pageSize, pageIndex * pageSize).map((t) => ({
      TemplateCode: t.templateCode,
      TemplateName: t.templateName,
      TemplateContent: t.content,
      TemplateType: t.type,
      OuterTemplateType: t.type,
      AuditStatus: t.auditStatus ?? 'AUDIT_STATE_PASS',
      CreateDate: '2026-11-01 10:00:00',
      OrderId: String(randomInt(1e9, 2e9)),
      Reason: { RejectDate: '', RejectInfo: '', RejectSubInfo: '' },
    }));
    this.calls.push({ action: 'QuerySmsTemplateList', code: 'OK', query, form });
    json(res, 200, {
      RequestId: requestId,
      Code: 'OK',
      Message: 'OK',
      CurrentPage: pageIndex,
      PageSize: pageSize,
      TotalCount: all.length,
      SmsTemplateList: rows,
    });
  }
}

function flat(q: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

/** openapi-core's percent-encoding of canonical query values (encodeURIComponent plus !'()*). */
function acsEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
