import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAuditMany } from '@siyu/audit';
import { loadContactKeys, type ContactKeyRing } from '@siyu/crypto';
import { ServiceMessaging } from '@siyu/messaging';
import type { Campaign } from '../campaigns/campaign.repository';
import type { OutboundSms, SmsVendor, SmsVendorChannel, SubmitOutcome } from '../channels/sms-vendor.channel';
import { ConsentProjectionRepository } from '../consent-projection/consent-projection.repository';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { SendGate } from '../send-gate/send-gate';
import { UNSUBSCRIBE_VARIABLE } from '../templates/template-rules';
import type { SmsTemplate } from '../templates/template.repository';
import { UnsubscribeLinks } from '../templates/unsubscribe-links';
import { reportSmsOptOut } from '../receipts/sms-opt-out.event';
import { SendRepository, type SendOutcome } from './send.repository';
import { TokenBucket } from './token-bucket';

export type ChunkResult =
  | { kind: 'dispatched'; admitted: number; blocked: number; deferred: number; missedDeadline: number }
  | { kind: 'stale' | 'not_live' };

/**
 * One chunk of a run: the gate (one statement) and the audit of every contact point it lets us
 * open commit together; then, outside any transaction, the vendor batches — each started before the
 * chunk's dispatch deadline or not at all — and one statement records what the vendor said.
 */
@Injectable()
export class DispatchChunk {
  private readonly contacts: ContactKeyRing;
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly gate: SendGate,
    private readonly messaging: ServiceMessaging,
    private readonly sends: SendRepository,
    private readonly projection: ConsentProjectionRepository,
    private readonly links: UnsubscribeLinks,
  ) {
    this.contacts = loadContactKeys(options.env);
  }

  async execute(
    runId: string,
    campaign: Campaign,
    template: SmsTemplate,
    channel: SmsVendorChannel,
    limit: number,
  ): Promise<ChunkResult> {
    // Throughput first: waiting for tokens must never sit between the gate and the vendor call.
    const bucket = this.bucketFor(channel.vendor);
    await bucket.take(limit);
    const askedAt = Date.now();
    const chunk = await this.ds.transaction(async (tx) => {
      const c = await this.gate.admitChunk(tx, this.messaging.transport, {
        runId,
        purpose: campaign.purpose,
        channel: campaign.channel,
        limit,
        quietHours: campaign.quietHours,
      });
      // R16: every contact point this chunk will open, audited in the transaction that admits it.
      await appendAuditMany(
        tx,
        c.admitted.map((a) => ({
          actor: `campaign-run:${runId}`,
          action: 'decrypt_contact_for_dispatch',
          purpose: campaign.purpose,
          subject: a.subjectRef,
          fields: ['phone'],
          outcome: 'allowed' as const,
        })),
      );
      // The short unsubscribe links exist before any message carrying them leaves (ADR 0008).
      const links = await this.links.shortLinksFor(
        tx,
        c.admitted.map((a) => a.subjectRef),
        campaign.channel,
        campaign.purpose,
      );
      return { ...c, links };
    });
    bucket.giveBack(limit - chunk.admitted.length);
    if (!chunk.fresh) return { kind: 'stale' };
    if (!chunk.live) return { kind: 'not_live' };
    // Measured from before the gate's statement: conservative by the statement's own duration.
    const deadline = this.gate.dispatchDeadline(chunk, askedAt);

    const messages: (OutboundSms & { subjectRef: string })[] = chunk.admitted.map((a) => {
      const values: Record<string, string> = {
        ...(campaign.variants[a.variant] ?? campaign.variants[0]).variables,
        [UNSUBSCRIBE_VARIABLE]: chunk.links.get(a.subjectRef)!,
      };
      return {
        sendId: a.sendId,
        subjectRef: a.subjectRef,
        phone: this.contacts.open(a.sealedContact, a.subjectRef),
        params:
          template.vendor === 'tencent'
            ? Object.fromEntries(template.variables.map((v, i) => [String(i + 1), values[v] ?? '']))
            : Object.fromEntries(template.variables.map((v) => [v, values[v] ?? ''])),
      };
    });
    const batches: (typeof messages)[] = [];
    for (let i = 0; i < messages.length; i += channel.maxBatch)
      batches.push(messages.slice(i, i + channel.maxBatch));
    let missedDeadline = 0;
    const results = await Promise.all(
      batches.map(async (batch): Promise<SendOutcome[]> => {
        if (Date.now() > deadline) {
          // Never reached the vendor: back to planned, to pass the gate again with a fresh watermark.
          missedDeadline += batch.length;
          return batch.map((m) => ({ sendId: m.sendId, state: 'planned', reason: 'dispatch_deadline' }));
        }
        let outcomes: SubmitOutcome[];
        try {
          outcomes = await channel.submit(
            { signName: template.signName, templateCode: template.templateCode },
            batch.map(({ sendId, phone, params }) => ({ sendId, phone, params })),
          );
        } catch (err) {
          // The vendor may have sent it: reconcile, never resend (issue 17 §3).
          const code = (err as { code?: string }).code ?? 'submit_error';
          return batch.map((m) => ({ sendId: m.sendId, state: 'unknown', errorCode: String(code) }));
        }
        return outcomes.map(toSendOutcome);
      }),
    );
    const outcomes = results.flat();
    const bySend = new Map(messages.map((m) => [m.sendId, m.subjectRef]));
    const blacklisted = outcomes.filter((o) => o.reason === 'vendor_blacklist');
    await this.ds.transaction(async (tx) => {
      await this.sends.recordOutcomes(tx, channel.vendor, outcomes);
      const effectiveAt = new Date().toISOString();
      for (const o of blacklisted) {
        await this.projection.recordSuppression(
          tx,
          bySend.get(o.sendId)!,
          [campaign.purpose],
          [campaign.channel],
          'vendor_blacklist',
          effectiveAt,
        );
        // R9: the vendor's blacklist is the customer's "no" (an unsubscribe or a complaint): consent records it.
        await reportSmsOptOut(tx, {
          brandId: campaign.brandId,
          subjectRef: bySend.get(o.sendId)!,
          sendId: o.sendId,
          vendor: channel.vendor,
          kind: 'vendor_blacklist',
          vendorCode: o.errorCode,
          reportedAt: effectiveAt,
        });
      }
    });
    if (blacklisted.length > 0) this.messaging.relay.kick();
    return {
      kind: 'dispatched',
      admitted: chunk.admitted.length,
      blocked: chunk.blocked.length,
      deferred: chunk.deferred,
      missedDeadline,
    };
  }
  private bucketFor(vendor: string): TokenBucket {
    let b = this.buckets.get(vendor);
    if (!b) {
      b = new TokenBucket(this.options.vendorRatePerSecond?.[vendor as SmsVendor] ?? 3000);
      this.buckets.set(vendor, b);
    }
    return b;
  }
}

function toSendOutcome(o: SubmitOutcome): SendOutcome {
  switch (o.status) {
    case 'submitted':
      return { sendId: o.sendId, state: 'submitted', vendorMessageId: o.vendorMessageId, batchId: o.batchId };
    case 'rejected':
      return {
        sendId: o.sendId,
        state: 'failed',
        errorCode: o.errorCode,
        reason: o.suppress ? 'vendor_blacklist' : 'vendor_refused',
      };
    case 'unknown':
      return { sendId: o.sendId, state: 'unknown', errorCode: o.errorCode, batchId: o.batchId };
  }
}
