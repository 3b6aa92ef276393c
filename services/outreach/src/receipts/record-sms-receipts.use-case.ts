import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAuditMany } from '@siyu/audit';
import { loadContactKeys, type ContactKeyRing } from '@siyu/crypto';
import { ServiceMessaging } from '@siyu/messaging';
import { siyuMetrics } from '@siyu/observability';
import type { SmsReceipt } from '../channels/sms-receipt';
import { ConsentProjectionRepository } from '../consent-projection/consent-projection.repository';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { SendRepository, type SendOutcome } from '../runs/send.repository';
import { reportSmsOptOut } from './sms-opt-out.event';

export interface ReceiptReport {
  received: number;
  matched: number;
  suppressed: number;
}

/**
 * Delivery receipts → send state, in one transaction per push. Receipts name the vendor's message
 * id or our batch id and the number, never our send id: the candidate sends' contact points are
 * opened (audited) to find the one the number belongs to. A blacklist / unsubscribed receipt
 * suppresses the number on that channel here and tells consent (outreach.sms-opt-out-received.v1),
 * which withdraws the SMS channel in the ledger.
 */
@Injectable()
export class RecordSmsReceipts {
  private readonly contacts: ContactKeyRing;

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly sends: SendRepository,
    private readonly projection: ConsentProjectionRepository,
    private readonly messaging: ServiceMessaging,
  ) {
    this.contacts = loadContactKeys(options.env);
  }

  async execute(vendor: 'aliyun' | 'tencent', receipts: SmsReceipt[]): Promise<ReceiptReport> {
    const report = await this.inTransaction(vendor, receipts);
    if (report.suppressed > 0) this.messaging.relay.kick();
    return report;
  }

  private inTransaction(vendor: 'aliyun' | 'tencent', receipts: SmsReceipt[]): Promise<ReceiptReport> {
    return this.ds.transaction(async (tx) => {
      const candidates = await this.sends.candidatesForReceipts(
        tx,
        vendor,
        receipts.flatMap((r) => (r.vendorMessageId ? [r.vendorMessageId] : [])),
        receipts.flatMap((r) => (r.batchId ? [r.batchId] : [])),
      );
      if (candidates.length === 0) return { received: receipts.length, matched: 0, suppressed: 0 };
      const sealed = await this.projection.sealedContactsOf(
        tx,
        candidates.map((c) => c.subjectRef),
        'sms',
      );
      await appendAuditMany(
        tx,
        [...sealed.keys()].map((subject) => ({
          actor: `vendor-receipt:${vendor}`,
          action: 'decrypt_contact_for_receipt',
          purpose: 'delivery_reporting',
          subject,
          fields: ['phone'],
          outcome: 'allowed' as const,
        })),
      );
      const phoneOf = new Map(
        candidates
          .filter((c) => sealed.has(c.subjectRef))
          .map((c) => [c.sendId, this.contacts.open(sealed.get(c.subjectRef)!, c.subjectRef)]),
      );
      const outcomes: SendOutcome[] = [];
      let suppressed = 0;
      const now = new Date().toISOString();
      for (const r of receipts) {
        const send = candidates.find(
          (c) =>
            (c.vendorMessageId === r.vendorMessageId || (r.batchId && c.batchId === r.batchId)) &&
            phoneOf.get(c.sendId) === r.phone,
        );
        if (!send) continue;
        outcomes.push({
          sendId: send.sendId,
          state: r.status,
          vendorMessageId: r.vendorMessageId,
          errorCode: r.errorCode,
        });
        // A push the vendor repeats finds its send final (no candidate): suppressed and reported once.
        if (r.suppress) {
          suppressed++;
          const kind = r.suppressReason === 'unsubscribed' ? 'vendor_unsubscribed' : 'vendor_blacklist';
          await this.projection.recordSuppression(
            tx,
            send.subjectRef,
            ['marketing_messages'],
            [send.channel],
            kind,
            now,
          );
          await reportSmsOptOut(tx, {
            brandId: this.options.brand.id,
            subjectRef: send.subjectRef,
            sendId: send.sendId,
            vendor,
            kind,
            vendorCode: r.errorCode,
            reportedAt: (r.reportedAt ?? new Date()).toISOString(),
          });
        }
      }
      await this.sends.recordOutcomes(tx, vendor, outcomes);
      for (const o of outcomes)
        siyuMetrics.sends.inc({
          channel: 'sms',
          outcome: o.state === 'delivered' ? 'delivered' : 'undelivered',
        });
      return { received: receipts.length, matched: outcomes.length, suppressed };
    });
  }
}
