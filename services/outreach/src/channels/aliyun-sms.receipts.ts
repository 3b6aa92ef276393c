import { ChannelError, ChannelErrorCode } from './channels.errors';
import { mainlandNumber, parseBeijingTime, type SmsReceipt } from './sms-receipt';

/**
 * Receipt codes that mean "never try this number again" (R9: a recipient's "no" to the vendor is a
 * "no" to us). `isv.BLACK_KEY_CONTROL_LIMIT` is Aliyun's own blacklist code (its error-code table);
 * `MBBLACK` is the carriers' blacklist status (the number unsubscribed or complained — Huawei Cloud
 * SMS's receipt-code table explains the same carrier code); `UNSUBSCRIBE`/`TD` mark an unsubscribed
 * recipient. Other failures (empty number, switched off) are failures, not suppressions.
 */
export const ALIYUN_SUPPRESS_RECEIPT_CODES: Record<string, 'blacklisted' | 'unsubscribed'> = {
  'isv.BLACK_KEY_CONTROL_LIMIT': 'blacklisted',
  MBBLACK: 'blacklisted',
  BLACK: 'blacklisted',
  UNSUBSCRIBE: 'unsubscribed',
  TD: 'unsubscribed',
};

/**
 * Aliyun's SmsReport (the MNS queue message body, or the HTTP batch push: an array of them):
 * `{ phone_number, success, biz_id, out_id, send_time, report_time, err_code, err_msg, sms_size }`,
 * times in Beijing time. Any element that is not that shape refuses the whole payload with the
 * element's index and field, so a malformed push never half-applies.
 */
export function parseAliyunSmsReports(payload: unknown): SmsReceipt[] {
  const items = Array.isArray(payload) ? payload : [payload];
  return items.map((raw, i) => {
    const where = `SmsReport[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw bad(`${where} is not an object`);
    const r = raw as Record<string, unknown>;
    const phone = str(r.phone_number, `${where}.phone_number`);
    if (!/^1\d{10}$/.test(mainlandNumber(phone)))
      throw bad(`${where}.phone_number is not a mainland mobile number`);
    const success = r.success;
    if (typeof success !== 'boolean' && success !== 'true' && success !== 'false') {
      throw bad(`${where}.success must be a boolean`);
    }
    const delivered = success === true || success === 'true';
    const errCode =
      r.err_code === undefined || r.err_code === null ? '' : str(r.err_code, `${where}.err_code`);
    const reportTime = r.report_time === undefined ? undefined : str(r.report_time, `${where}.report_time`);
    const reportedAt = reportTime === undefined ? undefined : parseBeijingTime(reportTime);
    if (reportTime !== undefined && !reportedAt) throw bad(`${where}.report_time is not yyyy-MM-dd HH:mm:ss`);
    const reason = delivered ? undefined : ALIYUN_SUPPRESS_RECEIPT_CODES[errCode];
    const outId = r.out_id === undefined || r.out_id === null ? '' : str(r.out_id, `${where}.out_id`);
    const bizId = r.biz_id === undefined || r.biz_id === null ? '' : str(r.biz_id, `${where}.biz_id`);
    return {
      vendor: 'aliyun' as const,
      ...(outId ? { batchId: outId } : {}),
      ...(bizId ? { vendorMessageId: bizId } : {}),
      phone: mainlandNumber(phone),
      status: delivered ? ('delivered' as const) : ('failed' as const),
      ...(delivered || !errCode ? {} : { errorCode: errCode }),
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
  return new ChannelError(ChannelErrorCode.BAD_PAYLOAD, `Aliyun SmsReport refused: ${message}`);
}
