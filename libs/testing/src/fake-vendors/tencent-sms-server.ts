import { createHash, createHmac, randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { beijingTime, json, VendorHttpServer } from './vendor-server';
import { send, type VendorCallResult } from './http';

/**
 * Tencent Cloud SMS (API 3.0, version 2021-01-11) on 127.0.0.1, spoken to by the unmodified official
 * SDK (`tencentcloud-sdk-nodejs-sms` 4.1 through `tencentcloud-sdk-nodejs-common`). It verifies the
 * TC3-HMAC-SHA256 signature as `common/sign.js` sign3 builds it — signed headers `content-type;host`
 * with the host's name without port, and a credential scope `date/service/tc3_request` whose service
 * is the endpoint host's first label (`127` for 127.0.0.1, `sms` for sms.tencentcloudapi.com) —
 * implements SendSms, PullSmsSendStatus, PullSmsSendStatusByPhoneNumber, DescribeSendRecordList and
 * DescribeSmsTemplateList, records every message, and answers with Tencent's error codes.
 */
export interface FakeTencentTemplate {
  templateId: number;
  name: string;
  /** With `{1}`, `{2}` … variables. */
  content: string;
  /** DescribeSmsTemplateList StatusCode: 0 approved, 1 under review, -1 rejected. */
  statusCode?: 0 | 1 | -1;
}

export interface TencentRecordedMessage {
  serialNo: string;
  /** E.164 as sent: +8613… */
  phoneNumber: string;
  signName: string;
  templateId: string;
  params: string[];
  sessionContext: string;
  content: string;
  sentAt: Date;
  /** DescribeSendRecordList SendStatus: 2 delivered, 3 sending (no receipt yet), 4 failed. */
  sendStatus: 2 | 3 | 4;
  /** The receipt's errmsg / StatusCode: DELIVRD, or the carrier's failure code. */
  statusCode: string;
  receivedAt?: Date;
  /** Already handed out by PullSmsSendStatus (a receipt is pulled once). */
  pulled: boolean;
}

export interface TencentCall {
  action: string;
  /** 'Ok', a request-level error code, or per-number codes joined by ','. */
  code: string;
  body: any;
}

/** One element of the status callback body (an array), as Tencent documents it. */
export interface TencentStatusCallback {
  user_receive_time: string;
  nationcode: string;
  mobile: string;
  report_status: 'SUCCESS' | 'FAIL';
  errmsg: string;
  description: string;
  sid: string;
}

export interface FakeTencentSmsServerOptions {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  templates?: FakeTencentTemplate[];
}

export class FakeTencentSmsServer {
  readonly calls: TencentCall[] = [];
  readonly messages: TencentRecordedMessage[] = [];
  /** E.164 or 11-digit numbers in Tencent's 免打扰 blacklist: FailedOperation.PhoneNumberInBlacklist. */
  readonly blacklisted = new Set<string>();
  /** Numbers past the daily per-number limit: LimitExceeded.PhoneNumberDailyLimit. */
  readonly rateLimited = new Set<string>();
  signatureRefusals = 0;
  private readonly templates = new Map<string, FakeTencentTemplate>();
  private hangs: { accept: boolean }[] = [];

  private constructor(
    private readonly http: VendorHttpServer,
    private readonly o: FakeTencentSmsServerOptions,
  ) {
    for (const t of o.templates ?? []) this.templates.set(String(t.templateId), t);
  }

  static async start(o: FakeTencentSmsServerOptions): Promise<FakeTencentSmsServer> {
    const box: { self?: FakeTencentSmsServer } = {};
    const http = await VendorHttpServer.start((req, body, res) => box.self!.handle(req, body, res));
    box.self = new FakeTencentSmsServer(http, o);
    return box.self;
  }

  /** `host:port` for `httpProfile: { endpoint, protocol: 'http://' }`. */
  get endpoint(): string {
    return `127.0.0.1:${this.http.port}`;
  }

  /** The next SendSms never answers; `accept: true` records its messages first. */
  hangNextSend(opts: { accept: boolean }): void {
    this.hangs.push(opts);
  }

  /** The carrier's receipt arrives for this number: DELIVRD, or a failure code such as 'MBBLACK'. */
  report(
    phone: string,
    outcome: { delivered: true } | { delivered: false; code: string; description?: string },
  ): void {
    for (const m of this.messages.filter((x) => sameNumber(x.phoneNumber, phone) && x.sendStatus === 3)) {
      m.sendStatus = outcome.delivered ? 2 : 4;
      m.statusCode = outcome.delivered ? 'DELIVRD' : outcome.code;
      m.receivedAt = new Date();
    }
  }

  reportAllDelivered(): void {
    for (const m of this.messages.filter((x) => x.sendStatus === 3))
      this.report(m.phoneNumber, { delivered: true });
  }

  /** The status callback body Tencent POSTs to the configured URL (qcloud-documents, 短信回调). */
  statusCallbacks(): TencentStatusCallback[] {
    return this.messages
      .filter((m) => m.sendStatus !== 3)
      .map((m) => ({
        user_receive_time: beijingTime(m.receivedAt ?? m.sentAt),
        nationcode: '86',
        mobile: m.phoneNumber.replace(/^\+86/, ''),
        report_status: m.sendStatus === 2 ? 'SUCCESS' : 'FAIL',
        errmsg: m.statusCode,
        description: m.sendStatus === 2 ? '用户短信送达成功' : describe(m.statusCode),
        sid: m.serialNo,
      }));
  }

  async pushStatusCallbacks(url: string, body = this.statusCallbacks()): Promise<VendorCallResult> {
    return send(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const fail = (code: string, message: string, body: unknown = undefined) => {
      this.calls.push({ action: String(req.headers['x-tc-action']), code, body });
      json(res, 200, { Response: { Error: { Code: code, Message: message }, RequestId: requestId } });
    };
    const refusal = this.verifySignature(req, raw);
    if (refusal) {
      this.signatureRefusals++;
      return fail(refusal.code, refusal.message);
    }
    let body: any;
    try {
      body = JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      return fail('InvalidParameter', 'The request body is not JSON.');
    }
    const action = String(req.headers['x-tc-action']);
    if (req.headers['x-tc-version'] !== '2021-01-11') {
      return fail(
        'InvalidParameterValue',
        `Version ${String(req.headers['x-tc-version'])} is not 2021-01-11.`,
        body,
      );
    }
    if (action !== 'DescribeSmsTemplateList' && body.SmsSdkAppId !== this.o.sdkAppId) {
      return fail('InvalidParameterValue.SdkAppIdNotExist', 'SdkAppId not exist.', body);
    }
    const ok = (payload: Record<string, unknown>, code = 'Ok') => {
      this.calls.push({ action, code, body });
      json(res, 200, { Response: { ...payload, RequestId: requestId } });
    };
    switch (action) {
      case 'SendSms':
        return this.sendSms(body, ok, fail, res);
      case 'PullSmsSendStatus': {
        const limit = Number(body.Limit);
        if (!(limit >= 1 && limit <= 100))
          return fail('InvalidParameterValue', 'Limit must be 1..100.', body);
        const due = this.messages.filter((m) => m.sendStatus !== 3 && !m.pulled).slice(0, limit);
        for (const m of due) m.pulled = true;
        return ok({ PullSmsSendStatusSet: due.map(pullShape) });
      }
      case 'PullSmsSendStatusByPhoneNumber': {
        const begin = Number(body.BeginTime);
        const end = body.EndTime === undefined ? Infinity : Number(body.EndTime);
        const rows = this.messages.filter(
          (m) =>
            m.sendStatus !== 3 &&
            m.phoneNumber === body.PhoneNumber &&
            // Tencent keeps times in whole seconds.
            Math.floor(m.sentAt.getTime() / 1000) >= begin &&
            Math.floor(m.sentAt.getTime() / 1000) <= end,
        );
        return ok({
          PullSmsSendStatusSet: rows
            .slice(Number(body.Offset ?? 0), Number(body.Offset ?? 0) + Number(body.Limit))
            .map(pullShape),
        });
      }
      case 'DescribeSendRecordList': {
        const begin = Number(body.BeginTime);
        if (!Number.isFinite(begin) || Date.now() / 1000 - begin > 72 * 3600) {
          return fail('InvalidParameterValue', 'BeginTime must be within the last 72 hours.', body);
        }
        const limit = Number(body.Limit ?? 20);
        const offset = Number(body.Offset ?? 0);
        const rows = this.messages
          .filter((m) => m.phoneNumber === body.PhoneNumber && Math.floor(m.sentAt.getTime() / 1000) >= begin)
          .sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime());
        return ok({
          TotalCount: rows.length,
          SendRecordSet: rows.slice(offset, offset + limit).map((m) => ({
            PhoneNumber: m.phoneNumber,
            SerialNo: m.serialNo,
            SendStatus: m.sendStatus,
            RequestCode: 'Ok',
            StatusCode: m.sendStatus === 3 ? '' : m.statusCode,
            IsoCode: 'CN',
            Content: m.content,
            SendTime: Math.floor(m.sentAt.getTime() / 1000),
            UserReceiveTime:
              m.sendStatus === 2 && m.receivedAt ? Math.floor(m.receivedAt.getTime() / 1000) : 0,
          })),
        });
      }
      case 'DescribeSmsTemplateList': {
        if (body.International !== 0 && body.International !== 1) {
          return fail('MissingParameter', 'International is required.', body);
        }
        const all = [...this.templates.values()];
        const chosen = Array.isArray(body.TemplateIdSet)
          ? all.filter((t) => body.TemplateIdSet.includes(t.templateId))
          : all.slice(Number(body.Offset ?? 0), Number(body.Offset ?? 0) + Number(body.Limit ?? 100));
        return ok({
          DescribeTemplateStatusSet: chosen.map((t) => ({
            TemplateId: t.templateId,
            International: 0,
            StatusCode: t.statusCode ?? 0,
            ReviewReply: t.statusCode === -1 ? '模板内容不规范' : '',
            TemplateName: t.name,
            CreateTime: 1764547200,
            TemplateContent: t.content,
          })),
        });
      }
      default:
        return fail('InvalidAction', `Action ${action} is not supported by the fake.`, body);
    }
  }

  private verifySignature(req: IncomingMessage, raw: Buffer): { code: string; message: string } | undefined {
    const h = req.headers;
    const m =
      /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(
        String(h.authorization ?? ''),
      );
    if (!m)
      return {
        code: 'AuthFailure.InvalidAuthorization',
        message: 'Authorization header is not TC3-HMAC-SHA256.',
      };
    const [, secretId, date, service, signedHeaders, signature] = m;
    if (secretId !== this.o.secretId)
      return { code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found.' };
    const timestamp = Number(h['x-tc-timestamp']);
    if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) {
      return { code: 'AuthFailure.SignatureExpire', message: 'Signature expired.' };
    }
    const hostname = String(h.host ?? '').replace(/:\d+$/, '');
    // The SDK takes the scope's service from the endpoint's first label (abstract_client.js).
    if (
      service !== hostname.split('.')[0] ||
      date !== new Date(timestamp * 1000).toISOString().slice(0, 10)
    ) {
      return {
        code: 'AuthFailure.SignatureFailure',
        message: 'The credential scope does not match the request.',
      };
    }
    if (signedHeaders !== 'content-type;host') {
      return { code: 'AuthFailure.SignatureFailure', message: 'SignedHeaders must be content-type;host.' };
    }
    const [path, query = ''] = (req.url ?? '/').split('?', 2);
    const canonicalRequest = [
      req.method,
      path,
      query,
      `content-type:${String(h['content-type'])}\nhost:${hostname}\n`,
      signedHeaders,
      createHash('sha256').update(raw).digest('hex'),
    ].join('\n');
    const stringToSign = [
      'TC3-HMAC-SHA256',
      String(timestamp),
      `${date}/${service}/tc3_request`,
      createHash('sha256').update(canonicalRequest).digest('hex'),
    ].join('\n');
    const kDate = createHmac('sha256', `TC3${this.o.secretKey}`).update(date).digest();
    const kService = createHmac('sha256', kDate).update(service).digest();
    const kSigning = createHmac('sha256', kService).update('tc3_request').digest();
    const expected = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
    if (expected !== signature) {
      return {
        code: 'AuthFailure.SignatureFailure',
        message: 'The provided credentials could not be validated. Please check your signature is correct.',
      };
    }
    return undefined;
  }

  private sendSms(
    body: any,
    ok: (payload: Record<string, unknown>, code?: string) => void,
    fail: (code: string, message: string, body?: unknown) => void,
    res: ServerResponse,
  ): void {
    const phones: unknown = body.PhoneNumberSet;
    if (!Array.isArray(phones) || phones.length === 0)
      return fail('MissingParameter', 'PhoneNumberSet is required.', body);
    if (phones.length > 200)
      return fail('LimitExceeded.PhoneNumberCountLimit', '单次请求的手机号个数超过200.', body);
    const template = this.templates.get(String(body.TemplateId));
    if (!template || (template.statusCode ?? 0) !== 0) {
      return fail('FailedOperation.TemplateIncorrectOrUnapproved', '模板未审批或内容不匹配.', body);
    }
    if (typeof body.SignName !== 'string' || body.SignName.length === 0) {
      return fail('FailedOperation.SignatureIncorrectOrUnapproved', '签名未审批或格式错误.', body);
    }
    const params: unknown[] = Array.isArray(body.TemplateParamSet) ? body.TemplateParamSet : [];
    const variables = new Set([...template.content.matchAll(/\{(\d+)\}/g)].map((v) => v[1])).size;
    if (params.length !== variables || params.some((p) => typeof p !== 'string')) {
      return fail(
        'FailedOperation.TemplateParamSetNotMatchApprovedTemplate',
        '请求内容与审核通过的模板内容不匹配.',
        body,
      );
    }
    const now = new Date();
    const hang = this.hangs.shift();
    const statuses = (phones as string[]).map((phone) => {
      const base = { PhoneNumber: phone, SessionContext: body.SessionContext ?? '', IsoCode: 'CN' };
      if (!/^\+861\d{10}$/.test(phone)) {
        return {
          ...base,
          SerialNo: '',
          Fee: 0,
          Code: 'InvalidParameterValue.IncorrectPhoneNumber',
          Message: '手机号格式错误.',
        };
      }
      if (this.blacklisted.has(phone) || this.blacklisted.has(phone.slice(3))) {
        return {
          ...base,
          SerialNo: '',
          Fee: 0,
          Code: 'FailedOperation.PhoneNumberInBlacklist',
          Message: '手机号在黑名单库中，通常是用户退订或者命中运营商黑名单导致的。',
        };
      }
      if (this.rateLimited.has(phone) || this.rateLimited.has(phone.slice(3))) {
        return {
          ...base,
          SerialNo: '',
          Fee: 0,
          Code: 'LimitExceeded.PhoneNumberDailyLimit',
          Message: '单个手机号日下发短信条数超过设定的上限.',
        };
      }
      const serialNo = `2433:${randomInt(1e9, 9e9)}${randomInt(1e9, 9e9)}`;
      if (!hang || hang.accept) {
        const text = template.content.replace(/\{(\d+)\}/g, (_, n: string) =>
          String(params[Number(n) - 1] ?? ''),
        );
        this.messages.push({
          serialNo,
          phoneNumber: phone,
          signName: body.SignName,
          templateId: String(body.TemplateId),
          params: params as string[],
          sessionContext: body.SessionContext ?? '',
          content: `【${body.SignName}】${text}`,
          sentAt: now,
          sendStatus: 3,
          statusCode: '',
          pulled: false,
        });
      }
      return { ...base, SerialNo: serialNo, Fee: 1, Code: 'Ok', Message: 'send success' };
    });
    if (hang) {
      this.calls.push({ action: 'SendSms', code: hang.accept ? 'HUNG_AFTER_ACCEPT' : 'HUNG', body });
      return this.http.hold(res);
    }
    ok({ SendStatusSet: statuses }, statuses.map((s) => s.Code).join(','));
  }
}

function pullShape(m: TencentRecordedMessage) {
  return {
    UserReceiveTime: Math.floor((m.receivedAt ?? m.sentAt).getTime() / 1000),
    CountryCode: '86',
    SubscriberNumber: m.phoneNumber.replace(/^\+86/, ''),
    PhoneNumber: m.phoneNumber,
    SerialNo: m.serialNo,
    ReportStatus: m.sendStatus === 2 ? 'SUCCESS' : 'FAIL',
    Description: m.sendStatus === 2 ? '用户短信送达成功' : describe(m.statusCode),
    SessionContext: m.sessionContext,
  };
}

function describe(code: string): string {
  return code === 'MBBLACK' ? '手机号在黑名单中' : '用户短信接收失败';
}

function sameNumber(e164: string, phone: string): boolean {
  return e164 === phone || e164 === `+86${phone}`;
}
