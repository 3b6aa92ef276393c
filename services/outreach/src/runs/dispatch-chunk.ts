import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAuditMany } from '@siyu/audit';
import { loadContactKeys, type ContactKeyRing } from '@siyu/crypto';
import { ServiceMessaging } from '@siyu/messaging';
import { siyuMetrics } from '@siyu/observability';
import type { Campaign } from '../campaigns/campaign.repository';
import type { SmsVendor } from '../channels/sms-vendor.channel';
import {
  ConsentProjectionRepository,
  type AdmittedSend,
  type GateChunk,
} from '../consent-projection/consent-projection.repository';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { reportSmsOptOut } from '../receipts/sms-opt-out.event';
import { SendGate } from '../send-gate/send-gate';
import { notStarted, type AdmittedRecipient, type ChunkSender } from './chunk-sender';
import { UnsubscribeLinks } from '../templates/unsubscribe-links';
import { SendRepository, type SendOutcome } from './send.repository';
import { TokenBucket } from './token-bucket';

export type ChunkResult =
  | { kind: 'dispatched'; admitted: number; blocked: number; deferred: number; missedDeadline: number }
  | { kind: 'stale' | 'not_live' };

/** A chunk the gate decided: the admitted recipients with their contact opened, and their deadline. */
export type AdmittedChunk =
  | { kind: 'stale' | 'not_live' }
  | {
      kind: 'admitted';
      /** Admitted sends with their contact point still sealed: opened just before the vendor call. */
      sends: AdmittedSend[];
      /** No vendor call of this chunk starts after this moment (this process's clock, ADR 0006). */
      deadline: number;
      blocked: number;
      deferred: number;
    };

/**
 * One chunk of a run in two steps, so a run can gate the next chunk while this one is at the
 * vendor: `admit` — the gate (one statement) and the audit of every contact point it lets us open
 * commit together; `dispatch` — the short unsubscribe links, then outside any transaction the
 * vendor batches, each started before the chunk's dispatch deadline or not at all, and one
 * statement recording what the vendor said.
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

  async execute(runId: string, campaign: Campaign, sender: ChunkSender, limit: number): Promise<ChunkResult> {
    const admitted = await this.admit(runId, campaign, sender, limit);
    return admitted.kind === 'admitted' ? this.dispatch(admitted, campaign, sender) : admitted;
  }

  async admit(runId: string, campaign: Campaign, sender: ChunkSender, limit: number): Promise<AdmittedChunk> {
    // Throughput first: waiting for tokens must never sit between the gate and the vendor call.
    const bucket = this.bucketFor(sender.vendor);
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
          fields: [sender.contactField],
          outcome: 'allowed' as const,
        })),
      );
      return c;
    });
    bucket.giveBack(limit - chunk.admitted.length);
    countGateRefusals(chunk);
    if (!chunk.fresh) return { kind: 'stale' };
    if (!chunk.live) return { kind: 'not_live' };
    // Measured from before the gate's statement: conservative by the statement's own duration.
    const deadline = this.gate.dispatchDeadline(chunk, askedAt);

    return {
      kind: 'admitted',
      sends: chunk.admitted,
      deadline,
      blocked: chunk.blocked.length,
      deferred: chunk.deferred,
    };
  }

  async dispatch(
    admitted: Extract<AdmittedChunk, { kind: 'admitted' }>,
    campaign: Campaign,
    sender: ChunkSender,
  ): Promise<ChunkResult> {
    const { sends, deadline } = admitted;
    // The short unsubscribe links exist before any message carrying them leaves (ADR 0008). Issued
    // here, not in the gate's transaction, so the next chunk's gate need not wait for them: a link
    // is no consent decision, and a crash before the vendor call leaves the sends in doubt to
    // reconcile, as any crash after the gate does.
    const links = await this.ds.transaction((tx) =>
      this.links.shortLinksFor(
        tx,
        sends.map((a) => a.subjectRef),
        campaign.channel,
        campaign.purpose,
      ),
    );
    const recipients: AdmittedRecipient[] = sends.map((a) => ({
      sendId: a.sendId,
      subjectRef: a.subjectRef,
      variant: a.variant,
      contact: this.contacts.open(a.sealedContact, a.subjectRef),
      unsubscribeLink: links.get(a.subjectRef)!,
    }));
    const batches: AdmittedRecipient[][] = [];
    for (let i = 0; i < recipients.length; i += sender.maxBatch)
      batches.push(recipients.slice(i, i + sender.maxBatch));
    const results = await Promise.all(
      // Never reached the vendor: back to planned, to pass the gate again with a fresh watermark.
      batches.map((batch) => (Date.now() > deadline ? notStarted(batch) : sender.send(batch, deadline))),
    );
    const outcomes = results.flat();
    const missedDeadline = outcomes.filter((o) => o.reason === 'dispatch_deadline').length;
    const bySend = new Map(recipients.map((m) => [m.sendId, m.subjectRef]));
    const blacklisted = outcomes.filter((o) => o.reason === 'vendor_blacklist');
    const refused = outcomes.filter((o) => o.reason === 'wechat_refused');
    await this.ds.transaction(async (tx) => {
      await this.sends.recordOutcomes(tx, sender.vendor, outcomes);
      const effectiveAt = new Date().toISOString();
      // 43101: no accepted WeChat subscription left; WeChat is suppressed until they subscribe again.
      for (const o of refused)
        await this.projection.recordSuppression(
          tx,
          bySend.get(o.sendId)!,
          [campaign.purpose],
          [campaign.channel],
          'wechat_refused',
          effectiveAt,
        );
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
          vendor: sender.vendor as SmsVendor,
          kind: 'vendor_blacklist',
          vendorCode: o.errorCode,
          reportedAt: effectiveAt,
        });
      }
    });
    if (blacklisted.length > 0) this.messaging.relay.kick();
    for (const o of outcomes)
      siyuMetrics.sends.inc({ channel: campaign.channel, outcome: dispatchOutcome(o) });
    return {
      kind: 'dispatched',
      admitted: sends.length,
      blocked: admitted.blocked,
      deferred: admitted.deferred,
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

/** Gate refusals by reason (/metrics): stored refusals, quiet-hours deferrals, a stale projection. */
function countGateRefusals(chunk: GateChunk): void {
  if (!chunk.fresh) siyuMetrics.gateRefusals.inc({ reason: 'projection_stale' });
  for (const b of chunk.blocked) siyuMetrics.gateRefusals.inc({ reason: b.reason });
  if (chunk.deferred > 0) siyuMetrics.gateRefusals.inc({ reason: 'quiet_hours' }, chunk.deferred);
}

/** What became of one dispatched send, as /metrics counts it (siyu_sends_total{channel, outcome}). */
function dispatchOutcome(o: SendOutcome): string {
  if (o.state === 'planned') return 'dispatch_deadline';
  if (o.state === 'failed') return o.reason ?? 'vendor_refused';
  return o.state;
}
