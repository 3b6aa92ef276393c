import { ChannelError, ChannelErrorCode } from './channels.errors';
import { mainlandNumber, parseBeijingTime, type SmsReceipt } from './sms-receipt';

/**
 * Receipt codes (callback `errmsg`) that mean "never try this number again": the carriers' blacklist
 * status MBBLACK (the number unsubscribed or complained) and Tencent's own blacklist codes. A pulled
 * status (PullSmsSendStatus) carries only a description, so there the blacklist / unsubscribe words
 * decide. Other failures are failures, not suppressions.
 */
export const TENCENT_SUPPRESS_RECEIPT_CODES: Record<string, 'blacklisted' | 'unsubscribed'> = {
  MBBLACK: 'blacklisted',
  BLACK: 'blacklisted',
  'FailedOperation.PhoneNumberInBlacklist': 'blacklisted',
  UNSUBSCRIBE: 'unsubscribed',
};

export function tencentSuppression(codeOrDescription: string): 'blacklisted' | 'unsubscribed' | undefined {
  const exact = TENCENT_SUPPRESS_RECEIPT_CODES[codeOrDescription.trim()];
  if (exact) return exact;
  if (/退订/.test(codeOrDescription)) return 'unsubscribed';
  if (/黑名单|免打扰/.test(codeOrDescription)) return 'blacklisted';
  return undefined;
}

/**
 * Tencent Cloud SMS status callback: a JSON array of
 * `{ user_receive_time, nationcode, mobile, report_status: 'SUCCESS'|'FAIL', errmsg, description, sid }`
 * (tencentyun/qcloud-documents, "短信回执" / status callback). `sid` is the SendSms SerialNo. Any
 * element not of that shape refuses the whole payload, naming the element and field.
 */
export function parseTencentStatusCallback(payload: unknown): SmsReceipt[] {
  if (!Array.isArray(payload)) throw bad('the body must be a JSON array');
  return payload.map((raw, i) => {
    const where = `callback[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw bad(`${where} is not an object`);
    const r = raw as Record<string, unknown>;
    const mobile = str(r.mobile, `${where}.mobile`);
    const nationcode = r.nationcode === undefined ? '86' : str(r.nationcode, `${where}.nationcode`);
    if (nationcode !== '86' || !/^1\d{10}$/.test(mainlandNumber(mobile))) {
      throw bad(`${where}.mobile is not a mainland mobile number`);
    }
    const status = str(r.report_status, `${where}.report_status`);
    if (status !== 'SUCCESS' && status !== 'FAIL')
      throw bad(`${where}.report_status must be SUCCESS or FAIL`);
    const sid = str(r.sid, `${where}.sid`);
    const errmsg = r.errmsg === undefined ? '' : str(r.errmsg, `${where}.errmsg`);
    const description = r.description === undefined ? '' : str(r.description, `${where}.description`);
    const time =
      r.user_receive_time === undefined ? undefined : str(r.user_receive_time, `${where}.user_receive_time`);
    const reportedAt = time === undefined ? undefined : parseBeijingTime(time);
    if (time !== undefined && !reportedAt) throw bad(`${where}.user_receive_time is not yyyy-MM-dd HH:mm:ss`);
    const delivered = status === 'SUCCESS';
    const reason = delivered ? undefined : (tencentSuppression(errmsg) ?? tencentSuppression(description));
    return {
      vendor: 'tencent' as const,
      vendorMessageId: sid,
      phone: mainlandNumber(mobile),
      status: delivered ? ('delivered' as const) : ('failed' as const),
      ...(delivered ? {} : { errorCode: errmsg || 'FAIL' }),
      ...(reportedAt ? { reportedAt } : {}),
      suppress: reason !== undefined,
      ...(reason ? { suppressReason: reason } : {}),
    };
  });
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw bad(`${field} must be a string`);
  return v;
}

function bad(message: string): ChannelError {
  return new ChannelError(ChannelErrorCode.BAD_PAYLOAD, `Tencent status callback refused: ${message}`);
}
