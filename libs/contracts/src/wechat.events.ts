import { IsInt, IsISO8601, IsString, IsUUID, Matches } from 'class-validator';
import { EventBase } from './event';

/**
 * `consent.wechat-send-result.v1`: WeChat pushed the final result of one subscription message
 * (订阅通知) to the official account's callback, which consent serves; consent forwards it to outreach,
 * which owns the send. The openid never travels (R1, R16): consent resolves it through its keyed
 * blind index to the subject it is bound to, and only that pseudonymous ref is carried. Keyed by the
 * subject ref, so it stays ordered with that subject's withdrawals.
 */
export class WechatSendResultV1 extends EventBase {
  override type = 'consent.wechat-send-result.v1';

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  /** WeChat's MsgID: a 64-bit integer, kept as its decimal digits (a JS number would round it). */
  @Matches(/^\d{1,20}$/)
  msgId: string;

  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,128}$/)
  templateId: string;

  /** WeChat's ErrorCode: 0 = delivered, anything else = WeChat could not push it. */
  @IsInt()
  errorCode: number;

  /** WeChat's ErrorStatus text (`success`, …), cut to 64 safe characters. */
  @IsString()
  @Matches(/^[\w .:,;()-]{0,64}$/)
  errorStatus: string;

  /** The push's CreateTime (when WeChat says the message was handled). */
  @IsISO8601({ strict: true })
  sentAt: string;
}
