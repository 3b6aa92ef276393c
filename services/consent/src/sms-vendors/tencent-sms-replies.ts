import type { SmsReply } from '../withdrawal/record-sms-reply.use-case';
import { WithdrawalError, WithdrawalErrorCode } from '../withdrawal/withdrawal.errors';

/** What Tencent Cloud SMS expects back from a reply callback. */
export const TENCENT_RECEIVED = { result: 0, errmsg: 'OK' } as const;

const MAX_TEXT = 500;

/** Tencent Cloud's reply callback: `{extend, mobile, nationcode, sign, text, time}`. */
export function readTencentReply(body: unknown): SmsReply {
  const m = (body ?? {}) as Record<string, unknown>;
  if (typeof m.mobile !== 'string' || m.mobile.trim().length === 0) throw invalid('mobile missing');
  if (typeof m.text !== 'string' || m.text.length > MAX_TEXT)
    throw invalid(`text missing or over ${MAX_TEXT} chars`);
  if (typeof m.sign !== 'string') throw invalid('sign missing');
  const nationcode = typeof m.nationcode === 'string' && /^\d{1,4}$/.test(m.nationcode) ? m.nationcode : '86';
  return { vendor: 'tencent', from: `+${nationcode}${m.mobile.trim()}`, text: m.text, signName: m.sign };
}

function invalid(message: string): WithdrawalError {
  return new WithdrawalError(WithdrawalErrorCode.BODY_INVALID, `tencent reply callback: ${message}`);
}
