import { Logger } from '@nestjs/common';
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import { ChannelError, ChannelErrorCode } from './channels.errors';
import { mainlandNumber, type SmsReceipt } from './sms-receipt';
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
import { tencentSuppression } from './tencent-sms.receipts';
import type { TencentSmsCredentials } from './vendor-credentials';

type Client = InstanceType<typeof sms.v20210111.Client>;

// Tencent SMS API 3.0 error codes (cloud.tencent.com/document/api/382/55981 "错误码"; the SDK's
// sms_models.d.ts links the same page). Per-number codes come in SendStatusSet[].Code.
const SUPPRESS_CODES = new Set([
  'FailedOperation.PhoneNumberInBlacklist',
  'FailedOperation.PhoneNumberOnBlacklist',
]);
/** Tencent's own failure after the request reached it: it may have sent — reconcile, never resend. */
const IN_DOUBT_CODES = new Set(['InternalError.Timeout', 'InternalError.SendAndRecvFail']);

export interface TencentSmsChannelOptions {
  /** SDK request timeout in seconds (fractions allowed); Tencent's default is 60. Default 5. */
  reqTimeoutSec?: number;
}

/**
 * Tencent Cloud SMS through the official SDK, unmodified: SendSms (≤ 200 numbers, one template and
 * ONE TemplateParamSet per call — messages with different params go in different calls), SessionContext
 * = our batch id (the call's first send id), per-number SendStatusSet codes as outcomes;
 * DescribeSendRecordList + PullSmsSendStatusByPhoneNumber for reconcile, PullSmsSendStatus for receipts,
 * DescribeSmsTemplateList for the template sync.
 */
export class TencentSmsChannel implements SmsVendorChannel {
  readonly vendor = 'tencent' as const;
  readonly maxBatch = 200;
  private readonly logger = new Logger('TencentSmsChannel');
  private readonly client: Client;
  private readonly sdkAppId: string;

  constructor(credentials: TencentSmsCredentials, options: TencentSmsChannelOptions = {}) {
    this.sdkAppId = credentials.sdkAppId;
    this.client = new sms.v20210111.Client({
      credential: { secretId: credentials.secretId, secretKey: credentials.secretKey.reveal() },
      region: credentials.region,
      profile: {
        httpProfile: {
          endpoint: credentials.endpoint.host,
          protocol: `${credentials.endpoint.protocol}://`,
          reqTimeout: options.reqTimeoutSec ?? 5,
        },
      },
    });
  }

  async submit(
    template: SmsTemplateRef,
    messages: OutboundSms[],
    mayStart: MayStartCall = () => true,
  ): Promise<SubmitOutcome[]> {
    const outcomes: SubmitOutcome[] = new Array(messages.length);
    // One TemplateParamSet per call: group by identical params, keeping each message's position.
    const groups = new Map<string, number[]>();
    messages.forEach((m, i) => {
      const params = positional(m.params);
      if (!params) {
        outcomes[i] = {
          sendId: m.sendId,
          status: 'rejected',
          errorCode: 'TEMPLATE_PARAMS_NOT_POSITIONAL',
          errorMessage: 'Tencent templates take variables by position: params must be keyed "1", "2", …',
          suppress: false,
        };
        return;
      }
      const key = JSON.stringify(params);
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const [key, indexes] of groups) {
      for (let i = 0; i < indexes.length; i += this.maxBatch) {
        const chunk = indexes.slice(i, i + this.maxBatch);
        const got = !mayStart()
          ? notStartedSubmits(chunk.map((j) => messages[j]))
          : await this.sendCall(
              template,
              JSON.parse(key),
              chunk.map((j) => messages[j]),
            );
        chunk.forEach((j, k) => (outcomes[j] = got[k]));
      }
    }
    return outcomes;
  }

  private async sendCall(
    template: SmsTemplateRef,
    params: string[],
    batch: OutboundSms[],
  ): Promise<SubmitOutcome[]> {
    const batchId = batch[0].sendId;
    let statuses: { PhoneNumber?: string; SerialNo?: string; Code?: string; Message?: string }[];
    try {
      const res = await this.client.SendSms({
        SmsSdkAppId: this.sdkAppId,
        SignName: template.signName,
        TemplateId: template.templateCode,
        TemplateParamSet: params,
        PhoneNumberSet: batch.map((m) => `+86${m.phone}`),
        SessionContext: batchId,
      });
      statuses = res.SendStatusSet ?? [];
    } catch (e) {
      const f = classifyFailure(e);
      this.logger.warn(`SendSms batch=${batchId} n=${batch.length} failed: ${f.errorCode}`);
      return batch.map((m) =>
        f.kind === 'unknown'
          ? { sendId: m.sendId, status: 'unknown', errorCode: f.errorCode, batchId }
          : {
              sendId: m.sendId,
              status: 'rejected',
              errorCode: f.errorCode,
              errorMessage: f.message,
              suppress: false,
            },
      );
    }
    const byPhone = new Map(statuses.map((s) => [mainlandNumber(s.PhoneNumber ?? ''), s]));
    const refused = statuses.filter((s) => s.Code !== 'Ok').map((s) => s.Code);
    if (refused.length > 0) {
      this.logger.warn(
        `SendSms batch=${batchId} n=${batch.length} refused ${refused.length}: ${[...new Set(refused)].join(',')}`,
      );
    }
    return batch.map((m): SubmitOutcome => {
      const s = byPhone.get(m.phone);
      if (!s) return { sendId: m.sendId, status: 'unknown', errorCode: 'NO_STATUS_FOR_NUMBER', batchId };
      if (s.Code === 'Ok' && s.SerialNo) {
        return { sendId: m.sendId, status: 'submitted', vendorMessageId: s.SerialNo, batchId };
      }
      const code = s.Code ?? 'UNKNOWN_CODE';
      if (IN_DOUBT_CODES.has(code)) return { sendId: m.sendId, status: 'unknown', errorCode: code, batchId };
      return {
        sendId: m.sendId,
        status: 'rejected',
        errorCode: code,
        errorMessage: s.Message ?? code,
        suppress: SUPPRESS_CODES.has(code),
      };
    });
  }

  /**
   * Per number, since the submit (Tencent keeps 72 h): DescribeSendRecordList lists every message the
   * vendor accepted (with its SerialNo and status, receipt or not); PullSmsSendStatusByPhoneNumber
   * ties a reported SerialNo to its SessionContext. Ours is the record with our SerialNo, or with a
   * report carrying our batch id. `not_found` only when no record at all could be ours; a record
   * still in flight that no report ties to anyone yet keeps the message in doubt.
   */
  async reconcile(messages: SentMessageRef[]): Promise<DeliveryReport[]> {
    const ourIds = new Set(messages.map((m) => m.sendId));
    const out: DeliveryReport[] = [];
    for (const m of messages) {
      const begin = Math.floor(m.submittedAt.getTime() / 1000) - 60;
      const tooOld = Date.now() / 1000 - begin > 72 * 3600 - 60;
      if (tooOld) {
        out.push({
          sendId: m.sendId,
          vendorMessageId: m.vendorMessageId,
          status: 'submitted',
          inDoubt: true,
        });
        continue;
      }
      const e164 = `+86${m.phone}`;
      const records = await this.sendRecords(e164, begin);
      const reports = await this.call('PullSmsSendStatusByPhoneNumber', () =>
        this.client.PullSmsSendStatusByPhoneNumber({
          SmsSdkAppId: this.sdkAppId,
          PhoneNumber: e164,
          BeginTime: begin,
          EndTime: Math.floor(Date.now() / 1000),
          Offset: 0,
          Limit: 100,
        }),
      ).then((r) => r.PullSmsSendStatusSet ?? []);
      const isOurs = (ctx: string | undefined) =>
        m.batchId ? ctx === m.batchId : ctx !== undefined && ourIds.has(ctx);
      const serial = m.vendorMessageId ?? reports.find((r) => isOurs(r.SessionContext))?.SerialNo;
      const record = serial ? records.find((r) => r.SerialNo === serial) : undefined;
      const report = serial ? reports.find((r) => r.SerialNo === serial) : undefined;
      if (record) {
        out.push(fromRecord(m.sendId, record));
      } else if (report) {
        out.push({
          sendId: m.sendId,
          vendorMessageId: serial,
          status: report.ReportStatus === 'SUCCESS' ? 'delivered' : 'failed',
          ...(report.ReportStatus === 'SUCCESS' ? {} : { errorCode: report.Description ?? 'FAIL' }),
          ...(report.UserReceiveTime ? { reportedAt: new Date(report.UserReceiveTime * 1000) } : {}),
        });
      } else {
        const foreign = new Set(reports.filter((r) => !isOurs(r.SessionContext)).map((r) => r.SerialNo));
        const couldBeOurs = records.filter((r) => !foreign.has(r.SerialNo) && r.SendStatus !== 1);
        out.push(
          couldBeOurs.length === 0 && !m.vendorMessageId
            ? { sendId: m.sendId, status: 'not_found' }
            : { sendId: m.sendId, vendorMessageId: m.vendorMessageId, status: 'submitted', inDoubt: true },
        );
      }
    }
    return out;
  }

  private async sendRecords(e164: string, begin: number) {
    const rows: NonNullable<Awaited<ReturnType<Client['DescribeSendRecordList']>>['SendRecordSet']> = [];
    for (let offset = 0; offset < 1000; offset += 50) {
      const res = await this.call('DescribeSendRecordList', () =>
        this.client.DescribeSendRecordList({
          SmsSdkAppId: this.sdkAppId,
          PhoneNumber: e164,
          BeginTime: begin,
          Limit: 50,
          Offset: offset,
        }),
      );
      const got = res.SendRecordSet ?? [];
      rows.push(...got);
      if (got.length < 50 || rows.length >= (res.TotalCount ?? 0)) break;
    }
    return rows;
  }

  /** Receipts not yet pulled (each is handed out once by Tencent): parse and apply them in one go. */
  async pullReceipts(limit = 100): Promise<SmsReceipt[]> {
    const res = await this.call('PullSmsSendStatus', () =>
      this.client.PullSmsSendStatus({ SmsSdkAppId: this.sdkAppId, Limit: limit }),
    );
    return (res.PullSmsSendStatusSet ?? []).map((r) => {
      const delivered = r.ReportStatus === 'SUCCESS';
      const reason = delivered ? undefined : tencentSuppression(r.Description ?? '');
      return {
        vendor: 'tencent' as const,
        ...(r.SessionContext ? { batchId: r.SessionContext } : {}),
        ...(r.SerialNo ? { vendorMessageId: r.SerialNo } : {}),
        phone: mainlandNumber(r.PhoneNumber ?? r.SubscriberNumber ?? ''),
        status: delivered ? ('delivered' as const) : ('failed' as const),
        ...(delivered ? {} : { errorCode: r.Description ?? 'FAIL' }),
        ...(r.UserReceiveTime ? { reportedAt: new Date(r.UserReceiveTime * 1000) } : {}),
        suppress: reason !== undefined,
        ...(reason ? { suppressReason: reason } : {}),
      };
    });
  }

  async listTemplates(): Promise<VendorTemplate[]> {
    const out: VendorTemplate[] = [];
    for (let offset = 0; offset < 10_000; offset += 100) {
      const res = await this.call('DescribeSmsTemplateList', () =>
        this.client.DescribeSmsTemplateList({ International: 0, Limit: 100, Offset: offset }),
      );
      const list = res.DescribeTemplateStatusSet ?? [];
      for (const t of list) {
        out.push({
          templateCode: String(t.TemplateId),
          name: t.TemplateName ?? '',
          content: t.TemplateContent ?? '',
          // Tencent's list does not say marketing vs notification: the template record decides (§1).
          kind: /拒收请回复R|回T退订|退订回T/.test(t.TemplateContent ?? '') ? 'marketing' : 'notification',
          status: t.StatusCode === 0 ? 'approved' : t.StatusCode === -1 ? 'rejected' : 'pending',
        });
      }
      if (list.length < 100) break;
    }
    return out;
  }

  private async call<R>(action: string, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (e) {
      const f = classifyFailure(e);
      throw new ChannelError(
        f.kind === 'unknown' || f.errorCode === 'CONNECTION_REFUSED'
          ? ChannelErrorCode.VENDOR_UNAVAILABLE
          : ChannelErrorCode.VENDOR_REFUSED,
        `Tencent ${action} failed: ${f.errorCode}`,
        { vendor: 'tencent', action, errorCode: f.errorCode },
      );
    }
  }
}

function fromRecord(
  sendId: string,
  r: {
    SerialNo?: string;
    SendStatus?: number;
    StatusCode?: string;
    RequestCode?: string;
    UserReceiveTime?: number;
  },
): DeliveryReport {
  // SendStatus: 1 submit failed, 2 delivered, 3 sending, 4 delivery failed (sms_models.d.ts SendRecord).
  const base = { sendId, vendorMessageId: r.SerialNo };
  if (r.SendStatus === 2) {
    return {
      ...base,
      status: 'delivered',
      ...(r.UserReceiveTime ? { reportedAt: new Date(r.UserReceiveTime * 1000) } : {}),
    };
  }
  if (r.SendStatus === 4) return { ...base, status: 'failed', errorCode: r.StatusCode || 'FAIL' };
  if (r.SendStatus === 1) return { ...base, status: 'failed', errorCode: r.RequestCode || 'SUBMIT_FAILED' };
  return { ...base, status: 'submitted' };
}

/** "1", "2", … keys in order, or undefined when the params are not positional. */
function positional(params: Record<string, string>): string[] | undefined {
  const keys = Object.keys(params);
  if (keys.some((k) => !/^[1-9]\d*$/.test(k))) return undefined;
  const n = keys.length;
  if (keys.some((k) => Number(k) > n)) return undefined;
  return Array.from({ length: n }, (_, i) => params[String(i + 1)]);
}

type Failure = { kind: 'unknown' | 'rejected'; errorCode: string; message: string };

/** TencentCloudSDKHttpException: `code` for an API error (an answer), none for a transport failure. */
function classifyFailure(e: unknown): Failure {
  const err = e as { code?: string; httpCode?: number; message?: string };
  if (err.code) {
    return {
      kind: IN_DOUBT_CODES.has(err.code) ? 'unknown' : 'rejected',
      errorCode: err.code,
      message: err.code,
    };
  }
  if (typeof err.httpCode === 'number') {
    return {
      kind: err.httpCode >= 500 ? 'unknown' : 'rejected',
      errorCode: `HTTP_${err.httpCode}`,
      message: 'http error',
    };
  }
  if (/ECONNREFUSED/.test(err.message ?? '')) {
    return { kind: 'rejected', errorCode: 'CONNECTION_REFUSED', message: 'connection refused' };
  }
  if (/timeout/i.test(err.message ?? ''))
    return { kind: 'unknown', errorCode: 'TIMEOUT', message: 'no answer before the timeout' };
  return { kind: 'unknown', errorCode: 'TRANSPORT_ERROR', message: 'transport error' };
}
