import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { EventBase } from './event';

/**
 * What a vendor told outreach about a number it sent to: the recipient unsubscribed at the vendor
 * or carrier (a T/TD/退订/R reply the vendor reports as a receipt status), or the number is on the
 * vendor's or carrier's blacklist.
 */
export const SMS_OPT_OUT_KINDS = ['vendor_unsubscribed', 'vendor_blacklist'] as const;
export type SmsOptOutKind = (typeof SMS_OPT_OUT_KINDS)[number];

/**
 * `outreach.sms-opt-out-received.v1`: outreach matched a vendor's opt-out receipt (or a blacklist
 * refusal at submit) to the send it was about, so it names the subject, never the number (R16);
 * consent turns it into a withdrawal of the SMS channel (R9). Keyed by the subject ref.
 */
export class SmsOptOutReceivedV1 extends EventBase {
  override type = 'outreach.sms-opt-out-received.v1';

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsIn(SMS_OPT_OUT_KINDS)
  kind: SmsOptOutKind;

  @IsIn(['aliyun', 'tencent', 'sandbox'])
  vendor: 'aliyun' | 'tencent' | 'sandbox';

  /** The vendor's code as it came (MBBLACK, TD, FailedOperation.PhoneNumberInBlacklist, …). */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/)
  vendorCode?: string;

  /** Our send the receipt was about. */
  @IsUUID()
  sendId: string;

  @IsISO8601({ strict: true })
  reportedAt: string;
}
