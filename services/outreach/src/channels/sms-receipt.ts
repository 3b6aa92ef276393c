import type { DeliveryReport, SmsVendor } from './sms-vendor.channel';

/**
 * One delivery receipt as a vendor pushed or returned it, before outreach matches it to its send:
 * receipts name the vendor's message id and our batch id (Aliyun out_id, Tencent SessionContext)
 * plus the number, never our per-message send id. `phone` is personal data: match with it, never log it.
 */
export interface SmsReceipt {
  vendor: SmsVendor;
  batchId?: string;
  vendorMessageId?: string;
  /** 11-digit mainland number (the vendor's +86 / 86 prefix removed). */
  phone: string;
  status: 'delivered' | 'failed';
  errorCode?: string;
  reportedAt?: Date;
  /** Never try this number again on this vendor: it is blacklisted there or the recipient unsubscribed. */
  suppress: boolean;
  suppressReason?: 'blacklisted' | 'unsubscribed';
}

export function receiptToDeliveryReport(r: SmsReceipt, sendId: string): DeliveryReport {
  return {
    sendId,
    vendorMessageId: r.vendorMessageId,
    status: r.status,
    ...(r.errorCode ? { errorCode: r.errorCode } : {}),
    ...(r.reportedAt ? { reportedAt: r.reportedAt } : {}),
  };
}

/** The vendors print local (Beijing, UTC+8) wall-clock times without a zone: `yyyy-MM-dd HH:mm:ss`. */
export function parseBeijingTime(s: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
}

/** `yyyyMMdd` of the Beijing calendar day (Aliyun QuerySendDetails SendDate). */
export function beijingDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

/** 13812345678 from +8613812345678 / 8613812345678 / 13812345678. */
export function mainlandNumber(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}
