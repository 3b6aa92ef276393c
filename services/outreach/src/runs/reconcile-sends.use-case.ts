import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAuditMany } from '@siyu/audit';
import { loadContactKeys, type ContactKeyRing } from '@siyu/crypto';
import { SmsChannels } from '../channels/sms-channels';
import type { DeliveryReport, SmsVendor } from '../channels/sms-vendor.channel';
import { ConsentProjectionRepository } from '../consent-projection/consent-projection.repository';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { SettleUnconfirmedWechatSends } from '../receipts/settle-unconfirmed-wechat-sends.use-case';
import { ReconcileWecomSends } from './reconcile-wecom-sends.use-case';
import { SendRepository, type Send, type SendOutcome } from './send.repository';

const BATCH = 200;

/**
 * Asks the vendor what became of sends whose outcome we do not know — admitted before a crash,
 * timed out, or submitted and awaiting a delivery report — and records its answer. Never a blind
 * resend: only a send the vendor has no record of goes back to `planned`, to pass the gate again.
 */
@Injectable()
export class ReconcileSends {
  private readonly logger = new Logger('outreach-reconcile');
  private readonly contacts: ContactKeyRing;

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) options: OutreachModuleOptions,
    private readonly channels: SmsChannels,
    private readonly sends: SendRepository,
    private readonly projection: ConsentProjectionRepository,
    private readonly wecom: ReconcileWecomSends,
    private readonly wechat: SettleUnconfirmedWechatSends,
  ) {
    this.contacts = loadContactKeys(options.env);
  }

  /** Every in-doubt send of a run (start of a run after a restart, and its end). */
  async inDoubtOf(runId: string, vendor: string): Promise<number> {
    // WeCom has no lookup by our id: its tasks are found by time, text and customer.
    if (vendor === 'wecom') return this.wecom.inDoubtOf(runId);
    // WeChat cannot be asked about one message: its send-result event settles it; without one within
    // the bound it counts as handed to WeChat, never sent again (ADR 0017).
    if (vendor === 'wechat') return this.wechat.inDoubtOf(runId);
    if (!this.channels.get(vendor as SmsVendor)) return 0;
    let settled = 0;
    for (;;) {
      const batch = await this.sends.inDoubt(this.ds.manager, runId, BATCH);
      if (batch.length === 0) return settled;
      const n = await this.reconcile(batch, vendor as SmsVendor, 'in_doubt');
      settled += n;
      if (n === 0) return settled; // the vendor could not tell us yet: try again on the next pass
    }
  }

  /** Submitted sends older than `olderThanMs`: pulls their delivery reports. */
  async awaitingReports(olderThanMs: number): Promise<number> {
    const batch = await this.sends.awaitingReport(
      this.ds.manager,
      this.channels.vendors(),
      olderThanMs,
      BATCH,
    );
    let settled = 0;
    for (const vendor of new Set(batch.map((s) => s.vendor as SmsVendor)))
      settled += await this.reconcile(
        batch.filter((s) => s.vendor === vendor),
        vendor,
        'report',
      );
    return settled;
  }

  private async reconcile(batch: Send[], vendor: SmsVendor, why: 'in_doubt' | 'report'): Promise<number> {
    const channel = this.channels.get(vendor);
    if (!channel) return 0;
    const sealed = await this.ds.transaction(async (tx) => {
      const found = await this.projection.sealedContactsOf(
        tx,
        batch.map((s) => s.subjectRef),
        batch[0].channel,
      );
      // R16: opening a contact point to ask the vendor about it is a PII read, audited.
      await appendAuditMany(
        tx,
        [...found.keys()].map((subject) => ({
          actor: 'outreach:reconcile',
          action: 'decrypt_contact_for_reconcile',
          purpose: 'delivery_reconciliation',
          subject,
          fields: ['phone'],
          outcome: 'allowed' as const,
        })),
      );
      return found;
    });
    let reports: DeliveryReport[];
    try {
      reports = await channel.reconcile(
        batch.map((s) => ({
          sendId: s.sendId,
          // R10 may have deleted the contact point since: the vendor then matches by our send id alone.
          phone: sealed.has(s.subjectRef) ? this.contacts.open(sealed.get(s.subjectRef)!, s.subjectRef) : '',
          submittedAt: new Date(s.dispatchedAt ?? Date.now()),
          vendorMessageId: s.vendorMessageId ?? undefined,
          batchId: s.batchId ?? undefined,
        })),
      );
    } catch (err) {
      this.logger.warn(`${vendor} reconcile failed: ${(err as Error).message}`);
      return 0;
    }
    const outcomes: SendOutcome[] = [];
    for (const r of reports) {
      // The vendor cannot tell yet: neither resend nor settle; ask again on a later pass.
      if (r.inDoubt) continue;
      if (r.status === 'delivered')
        outcomes.push({ sendId: r.sendId, state: 'delivered', vendorMessageId: r.vendorMessageId });
      else if (r.status === 'failed')
        outcomes.push({
          sendId: r.sendId,
          state: 'failed',
          vendorMessageId: r.vendorMessageId,
          errorCode: r.errorCode,
        });
      else if (r.status === 'submitted' && why === 'in_doubt')
        outcomes.push({ sendId: r.sendId, state: 'submitted', vendorMessageId: r.vendorMessageId });
      else if (r.status === 'not_found' && why === 'in_doubt')
        outcomes.push({ sendId: r.sendId, state: 'planned', reason: 'reconciled_not_found' });
    }
    await this.ds.transaction((tx) => this.sends.recordOutcomes(tx, vendor, outcomes));
    return outcomes.length;
  }
}
