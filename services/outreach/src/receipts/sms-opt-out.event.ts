import type { EntityManager } from 'typeorm';
import { TOPICS, type SmsOptOutKind, type SmsOptOutReceivedV1 } from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import type { SmsVendor } from '../channels/sms-vendor.channel';

export interface SmsOptOut {
  brandId: string;
  subjectRef: string;
  sendId: string;
  vendor: SmsVendor;
  kind: SmsOptOutKind;
  vendorCode?: string;
  reportedAt: string;
}

/**
 * R9: a vendor's "this number unsubscribed / is blacklisted" is a "no" from the customer. Outreach
 * suppresses the number itself and tells consent, which records the withdrawal in the ledger; the
 * event names the subject and our send, never the number (R16). Written in the caller's transaction.
 */
export async function reportSmsOptOut(tx: EntityManager, o: SmsOptOut): Promise<void> {
  const code = o.vendorCode && /^[A-Za-z0-9._:-]{1,64}$/.test(o.vendorCode) ? o.vendorCode : undefined;
  await addToOutbox<SmsOptOutReceivedV1>(tx, TOPICS.smsOptOutReceived, o.subjectRef, {
    type: 'outreach.sms-opt-out-received.v1',
    subjectRef: o.subjectRef,
    brandId: o.brandId,
    kind: o.kind,
    vendor: o.vendor,
    ...(code ? { vendorCode: code } : {}),
    sendId: o.sendId,
    reportedAt: o.reportedAt,
  });
}
