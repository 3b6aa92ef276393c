/**
 * The seam to SMS vendors that send from approved templates (Aliyun SMS, Tencent Cloud SMS, and
 * the sandbox for `npm start`): one class per vendor (`AliyunSmsChannel implements
 * SmsVendorChannel`). Vendors have no idempotency and advise against retrying a timeout, so every
 * message carries our own send id and an uncertain outcome is reconciled from the vendor, never
 * resent blindly.
 */
export type SmsVendor = 'aliyun' | 'tencent' | 'sandbox';

/** A vendor-approved template as the vendor lists it (Aliyun QuerySmsTemplateList, Tencent DescribeSmsTemplateList). */
export interface VendorTemplate {
  templateCode: string;
  name: string;
  /** The approved text with its variables as the vendor writes them: `${code}` (Aliyun) or `{1}` (Tencent). */
  content: string;
  kind: 'marketing' | 'notification' | 'verification';
  status: 'approved' | 'pending' | 'rejected';
}

export interface SmsTemplateRef {
  /** 签名 without the 【】 brackets. */
  signName: string;
  templateCode: string;
}

export interface OutboundSms {
  /** Our id for this (run, member, channel): Aliyun carries the batch's OutId, Tencent SessionContext. */
  sendId: string;
  /** Mainland mobile number, 11 digits (the channel adds +86 where the vendor wants it). */
  phone: string;
  /** Template variables by name (Aliyun) or position "1", "2", … (Tencent). Never PII. */
  params: Record<string, string>;
}

/**
 * `batchId` (optional, additive): our id of the vendor call that carried the message — Aliyun's
 * OutId, Tencent's SessionContext; the channels use the first send id of the call. Store it as
 * SentMessageRef.batchId so reconcile can match the vendor's record to this send.
 */
export type SubmitOutcome =
  | { sendId: string; status: 'submitted'; vendorMessageId: string; batchId?: string }
  /** The vendor refused this message; `suppress` when the number must never be tried again (blacklist). */
  | { sendId: string; status: 'rejected'; errorCode: string; errorMessage: string; suppress: boolean }
  /** Transport failure or timeout: the vendor may or may not have sent it — reconcile, never resend. */
  | { sendId: string; status: 'unknown'; errorCode: string; batchId?: string }
  /**
   * No vendor call carried it: `mayStart` said no before the call (the gate's dispatch deadline
   * had passed, ADR 0006). Nothing was sent; it may pass the gate again.
   */
  | { sendId: string; status: 'not_started' };

/**
 * Asked right before every vendor call a submit makes (a channel may make several: Aliyun halves
 * a batch the vendor refused for one number); `false` = make no more calls.
 */
export type MayStartCall = () => boolean;

/** The outcomes of messages no vendor call carried because `mayStart` said no. */
export function notStartedSubmits(messages: { sendId: string }[]): SubmitOutcome[] {
  return messages.map((m) => ({ sendId: m.sendId, status: 'not_started' }));
}

export interface SentMessageRef {
  sendId: string;
  phone: string;
  /** When we submitted it (the vendor queries by send date). */
  submittedAt: Date;
  /** The vendor's id when the submit answered (Aliyun BizId, Tencent SerialNo). */
  vendorMessageId?: string;
  /** The OutId (Aliyun) / SessionContext (Tencent) of the call that carried it (SubmitOutcome.batchId). */
  batchId?: string;
}

export interface DeliveryReport {
  sendId: string;
  vendorMessageId?: string;
  /** `not_found`: the vendor has no record — the message was never accepted and may be submitted again. */
  status: 'submitted' | 'delivered' | 'failed' | 'not_found';
  errorCode?: string;
  reportedAt?: Date;
  /**
   * Optional, additive: the vendor cannot tell yet (no record, but too early to be sure it never
   * got the message — e.g. Tencent keeps a record only once the carrier reports). Comes with
   * status 'submitted': do not resend, ask again later.
   */
  inDoubt?: boolean;
}

export interface SmsVendorChannel {
  readonly vendor: SmsVendor;
  /** Numbers per submit call: Aliyun SendBatchSms 100, Tencent SendSms 200. */
  readonly maxBatch: number;
  /**
   * One call per batch (one template, up to maxBatch numbers); one outcome per message, same order.
   * Every vendor call is started only while `mayStart()` answers true (default: always).
   */
  submit(
    template: SmsTemplateRef,
    messages: OutboundSms[],
    mayStart?: MayStartCall,
  ): Promise<SubmitOutcome[]>;
  /** After a crash or an `unknown` outcome: what the vendor knows of these messages. */
  reconcile(messages: SentMessageRef[]): Promise<DeliveryReport[]>;
  /** Approved templates, for the template sync. */
  listTemplates(): Promise<VendorTemplate[]>;
}

export const SMS_VENDOR_CHANNELS = 'SMS_VENDOR_CHANNELS';
