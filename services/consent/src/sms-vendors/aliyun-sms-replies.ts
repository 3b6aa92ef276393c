import type { SmsReply } from '../withdrawal/record-sms-reply.use-case';
import { WithdrawalError, WithdrawalErrorCode } from '../withdrawal/withdrawal.errors';

/** What Aliyun SMS expects back from an up-message (SmsUp) push, or it pushes again. */
export const ALIYUN_RECEIVED = { code: 0, msg: '成功' } as const;

const MAX_BATCH = 100;
const MAX_TEXT = 500;

/**
 * Aliyun's HTTP batch push of up-messages: a JSON array of
 * `{phone_number, send_time, content, sign_name, dest_code, sequence_id}`.
 */
export function readAliyunUpMessages(body: unknown): SmsReply[] {
  if (!Array.isArray(body) || body.length === 0 || body.length > MAX_BATCH) {
    throw invalid(`expected a JSON array of 1–${MAX_BATCH} up-messages`);
  }
  return body.map((m: Record<string, unknown>, i) => {
    const phone = m?.phone_number;
    const content = m?.content;
    const sign = m?.sign_name;
    if (typeof phone !== 'string' || phone.trim().length === 0) throw invalid(`[${i}].phone_number missing`);
    if (typeof content !== 'string' || content.length > MAX_TEXT)
      throw invalid(`[${i}].content missing or over ${MAX_TEXT} chars`);
    if (typeof sign !== 'string') throw invalid(`[${i}].sign_name missing`);
    return { vendor: 'aliyun', from: phone, text: content, signName: sign };
  });
}

function invalid(message: string): WithdrawalError {
  return new WithdrawalError(WithdrawalErrorCode.BODY_INVALID, `aliyun up-message: ${message}`);
}
