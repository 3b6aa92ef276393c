import Dysmsapi, * as $Dysmsapi from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { Logger } from '@nestjs/common';
import { ChannelError, ChannelErrorCode } from './channels.errors';
import { beijingDay, parseBeijingTime } from './sms-receipt';
import type {
  DeliveryReport,
  MayStartCall,
  OutboundSms,
  SentMessageRef,
  SmsTemplateRef,
  SmsVendorChannel,
  SubmitOutcome,
  VendorTemplate,
} from './sms-vendor.channel';
import { notStartedSubmits } from './sms-vendor.channel';
import type { AliyunSmsCredentials } from './vendor-credentials';

// Codes Aliyun answers for one number of the call (help.aliyun.com/document_detail/101346.html):
// the whole SendBatchSms call is refused and nothing of it is sent, so the channel halves the batch
// until the refused number stands alone (a refusal is an answer, not a timeout: resubmitting the
// other numbers cannot send anything twice).
const NUMBER_CODES = new Set([
  'isv.BLACK_KEY_CONTROL_LIMIT',
  'isv.BUSINESS_LIMIT_CONTROL',
  'isv.DAY_LIMIT_CONTROL',
  'isv.MOBILE_NUMBER_ILLEGAL',
]);
/** The number must never be tried again: Aliyun's blacklist holds numbers that unsubscribed or complained. */
const SUPPRESS_CODES = new Set(['isv.BLACK_KEY_CONTROL_LIMIT']);
/** The vendor may have sent it (its own system error): reconcile, never resend. */
const IN_DOUBT_CODES = new Set(['isp.SYSTEM_ERROR', 'isp.GATEWAY_ERROR', 'isv.OUT_OF_SERVICE_TIMEOUT']);

export interface AliyunSmsChannelOptions {
  /** SDK read timeout; Aliyun advises ≥ 1 s for domestic SMS and no retry on timeout. Default 5 s. */
  readTimeoutMs?: number;
  /**
   * Defaults to the read timeout: on a reused keep-alive connection the SDK's HTTP layer (httpx)
   * lets the socket-idle timeout, set from connectTimeout, end the wait instead of the read timeout
   * (measured: a 200 ms read timeout waited 3 s, the connect timeout).
   */
  connectTimeoutMs?: number;
  /**
   * A message accepted this recently may not be visible to QuerySendDetails yet: reconcile says
   * `submitted, inDoubt` instead of `not_found` until it is older (default 60 s).
   */
  queryVisibilityLagMs?: number;
}

/**
 * Aliyun SMS through the official SDK, unmodified: SendBatchSms (≤ 100 numbers, one template, per-number
 * params), OutId = our batch id (the first send id of the call), QuerySendDetails for reconcile,
 * QuerySmsTemplateList for the template sync. Never retries a timeout (Aliyun has no idempotency).
 */
export class AliyunSmsChannel implements SmsVendorChannel {
  readonly vendor = 'aliyun' as const;
  readonly maxBatch = 100;
  private readonly logger = new Logger('AliyunSmsChannel');
  private readonly client: Dysmsapi;
  private readonly lagMs: number;

  constructor(credentials: AliyunSmsCredentials, options: AliyunSmsChannelOptions = {}) {
    this.client = new Dysmsapi(
      new $OpenApiUtil.Config({
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret.reveal(),
        endpoint: credentials.endpoint.host,
        protocol: credentials.endpoint.protocol,
        readTimeout: options.readTimeoutMs ?? 5000,
        connectTimeout: options.connectTimeoutMs ?? options.readTimeoutMs ?? 5000,
      }),
    );
    this.lagMs = options.queryVisibilityLagMs ?? 60_000;
  }

  async submit(
    template: SmsTemplateRef,
    messages: OutboundSms[],
    mayStart: MayStartCall = () => true,
  ): Promise<SubmitOutcome[]> {
    const outcomes: SubmitOutcome[] = [];
    for (let i = 0; i < messages.length; i += this.maxBatch) {
      outcomes.push(...(await this.sendBatch(template, messages.slice(i, i + this.maxBatch), mayStart)));
    }
    return outcomes;
  }

  private async sendBatch(
    template: SmsTemplateRef,
    batch: OutboundSms[],
    mayStart: MayStartCall,
  ): Promise<SubmitOutcome[]> {
    // Asked before every call, the halves of a refused batch too: each half is a new dispatch,
    // and one started after the gate's deadline could reach a member who withdrew meanwhile.
    if (!mayStart()) return notStartedSubmits(batch);
    const batchId = batch[0].sendId;
    let body: $Dysmsapi.SendBatchSmsResponseBody | undefined;
    try {
      const res = await this.client.sendBatchSms(
        new $Dysmsapi.SendBatchSmsRequest({
          phoneNumberJson: JSON.stringify(batch.map((m) => m.phone)),
          signNameJson: JSON.stringify(batch.map(() => template.signName)),
          templateCode: template.templateCode,
          templateParamJson: JSON.stringify(batch.map((m) => m.params)),
          outId: batchId,
        }),
      );
      body = res.body;
    } catch (e) {
      const failure = classifyFailure(e);
      this.logger.warn(`SendBatchSms batch=${batchId} n=${batch.length} failed: ${failure.errorCode}`);
      return batch.map((m) =>
        failure.kind === 'unknown'
          ? { sendId: m.sendId, status: 'unknown', errorCode: failure.errorCode, batchId }
          : {
              sendId: m.sendId,
              status: 'rejected',
              errorCode: failure.errorCode,
              errorMessage: failure.message,
              suppress: false,
            },
      );
    }
    const code = body?.code ?? 'EMPTY_ANSWER';
    if (code === 'OK' && body?.bizId) {
      return batch.map((m) => ({
        sendId: m.sendId,
        status: 'submitted',
        vendorMessageId: body!.bizId!,
        batchId,
      }));
    }
    if (NUMBER_CODES.has(code) && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      return [
        ...(await this.sendBatch(template, batch.slice(0, half), mayStart)),
        ...(await this.sendBatch(template, batch.slice(half), mayStart)),
      ];
    }
    this.logger.warn(`SendBatchSms batch=${batchId} n=${batch.length} answered ${code}`);
    if (IN_DOUBT_CODES.has(code) || code === 'EMPTY_ANSWER') {
      return batch.map((m) => ({ sendId: m.sendId, status: 'unknown', errorCode: code, batchId }));
    }
    return batch.map((m) => ({
      sendId: m.sendId,
      status: 'rejected',
      errorCode: code,
      errorMessage: body?.message ?? code,
      suppress: SUPPRESS_CODES.has(code),
    }));
  }

  /**
   * QuerySendDetails by number and Beijing send date (and the next day, for a submit near midnight);
   * a record matches when its OutId is the message's batch id — or, when the caller lost it, any
   * send id of this reconcile call (the channels use a call's first send id as its OutId).
   */
  async reconcile(messages: SentMessageRef[]): Promise<DeliveryReport[]> {
    const ourIds = new Set(messages.map((m) => m.sendId));
    const reports: DeliveryReport[] = [];
    for (const m of messages) {
      // The member withdrew and R10 deleted the number while this send was in doubt: QuerySendDetails
      // needs the number, so the outcome can never be learnt. Settle it (never resent: the gate has
      // no number either) instead of failing the whole batch's query every pass, which kept the run
      // 'sending' for ever (found by the chaos runner, issue 14 §1).
      if (!m.phone) {
        reports.push({ sendId: m.sendId, status: 'failed', errorCode: 'CONTACT_POINT_DELETED' });
        continue;
      }
      const days = [
        ...new Set([beijingDay(m.submittedAt), beijingDay(new Date(m.submittedAt.getTime() + 86_400_000))]),
      ];
      let found: $Dysmsapi.QuerySendDetailsResponseBodySmsSendDetailDTOsSmsSendDetailDTO | undefined;
      for (const day of days) {
        if (day > beijingDay(new Date())) break;
        found = (await this.querySendDetails(m, day)).find((d) =>
          m.batchId ? d.outId === m.batchId : d.outId !== undefined && ourIds.has(d.outId),
        );
        if (found) break;
      }
      if (!found) {
        const young = Date.now() - m.submittedAt.getTime() < this.lagMs;
        reports.push(
          young
            ? { sendId: m.sendId, vendorMessageId: m.vendorMessageId, status: 'submitted', inDoubt: true }
            : { sendId: m.sendId, status: 'not_found' },
        );
        continue;
      }
      const status = found.sendStatus === 3 ? 'delivered' : found.sendStatus === 2 ? 'failed' : 'submitted';
      reports.push({
        sendId: m.sendId,
        vendorMessageId: m.vendorMessageId,
        status,
        ...(status === 'failed' && found.errCode ? { errorCode: found.errCode } : {}),
        ...(status !== 'submitted' && found.receiveDate
          ? { reportedAt: parseBeijingTime(found.receiveDate) }
          : {}),
      });
    }
    return reports;
  }

  private async querySendDetails(
    m: SentMessageRef,
    day: string,
  ): Promise<$Dysmsapi.QuerySendDetailsResponseBodySmsSendDetailDTOsSmsSendDetailDTO[]> {
    const rows: $Dysmsapi.QuerySendDetailsResponseBodySmsSendDetailDTOsSmsSendDetailDTO[] = [];
    // A number gets few messages a day from one brand; 10 pages of 50 is far past any real day.
    for (let page = 1; page <= 10; page++) {
      const body = await this.call('QuerySendDetails', () =>
        this.client.querySendDetails(
          new $Dysmsapi.QuerySendDetailsRequest({
            phoneNumber: m.phone,
            sendDate: day,
            pageSize: 50,
            currentPage: page,
            ...(m.vendorMessageId ? { bizId: m.vendorMessageId } : {}),
          }),
        ),
      );
      const got = body.smsSendDetailDTOs?.smsSendDetailDTO ?? [];
      rows.push(...got);
      if (got.length < 50 || rows.length >= Number(body.totalCount ?? 0)) break;
    }
    return rows;
  }

  async listTemplates(): Promise<VendorTemplate[]> {
    const out: VendorTemplate[] = [];
    for (let page = 1; page <= 100; page++) {
      const body = await this.call('QuerySmsTemplateList', () =>
        this.client.querySmsTemplateList(
          new $Dysmsapi.QuerySmsTemplateListRequest({ pageIndex: page, pageSize: 50 }),
        ),
      );
      const list = body.smsTemplateList ?? [];
      for (const t of list) {
        out.push({
          templateCode: t.templateCode ?? '',
          name: t.templateName ?? '',
          content: t.templateContent ?? '',
          kind: t.templateType === 2 ? 'marketing' : t.templateType === 0 ? 'verification' : 'notification',
          status:
            t.auditStatus === 'AUDIT_STATE_PASS'
              ? 'approved'
              : t.auditStatus === 'AUDIT_STATE_NOT_PASS'
                ? 'rejected'
                : 'pending',
        });
      }
      if (list.length < 50 || out.length >= Number(body.totalCount ?? 0)) break;
    }
    return out;
  }

  /** A query (not a send): an unreachable vendor or a refusal is an error the caller retries later. */
  private async call<B extends { code?: string; message?: string }>(
    action: string,
    run: () => Promise<{ body?: B }>,
  ): Promise<B> {
    let body: B | undefined;
    try {
      body = (await run()).body;
    } catch (e) {
      const failure = classifyFailure(e);
      throw new ChannelError(
        failure.kind === 'unknown' || failure.errorCode === 'CONNECTION_REFUSED'
          ? ChannelErrorCode.VENDOR_UNAVAILABLE
          : ChannelErrorCode.VENDOR_REFUSED,
        `Aliyun ${action} failed: ${failure.errorCode}`,
        { vendor: 'aliyun', action, errorCode: failure.errorCode },
      );
    }
    if (!body || body.code !== 'OK') {
      throw new ChannelError(ChannelErrorCode.VENDOR_REFUSED, `Aliyun ${action} answered ${body?.code}`, {
        vendor: 'aliyun',
        action,
        errorCode: body?.code,
      });
    }
    return body;
  }
}

type Failure = { kind: 'unknown' | 'rejected'; errorCode: string; message: string };

/**
 * An SDK exception: an HTTP answer with a code (signature, throttling: the vendor refused, nothing
 * sent) or 5xx (the vendor may have sent it), or no answer at all (timeout: may have sent it).
 */
function classifyFailure(e: unknown): Failure {
  const err = e as { statusCode?: number; code?: string; name?: string; message?: string };
  if (typeof err.statusCode === 'number') {
    const code = err.code || `HTTP_${err.statusCode}`;
    return { kind: err.statusCode >= 500 ? 'unknown' : 'rejected', errorCode: code, message: code };
  }
  if (err.code === 'ECONNREFUSED')
    return { kind: 'rejected', errorCode: 'CONNECTION_REFUSED', message: 'connection refused' };
  if (err.name === 'RequestTimeoutError' || /timeout/i.test(err.message ?? '')) {
    return { kind: 'unknown', errorCode: 'TIMEOUT', message: 'no answer before the timeout' };
  }
  return { kind: 'unknown', errorCode: err.code || 'TRANSPORT_ERROR', message: 'transport error' };
}
