import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CampaignRepository, type Campaign } from '../campaigns/campaign.repository';
import { PlatformChannels } from '../channels/platform-channels';
import { SmsChannels } from '../channels/sms-channels';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { SendGate } from '../send-gate/send-gate';
import { EstimateSms } from '../templates/estimate-sms';
import type { SmsTemplate } from '../templates/template.repository';
import type { ChunkSender } from './chunk-sender';
import { DispatchChunk, type ChunkResult } from './dispatch-chunk';
import { ReconcileSends } from './reconcile-sends.use-case';
import { RunRepository, type CampaignRun } from './run.repository';
import { SendRepository } from './send.repository';
import { SmsChunkSender } from './sms-chunk.sender';
import { WechatChunkSender } from './wechat-chunk.sender';
import { WecomChunkSender } from './wecom-chunk.sender';

/**
 * Works one run from where it stands: plans it once (pinned segment version, one send per member),
 * reconciles what a crash left in doubt, then gates and dispatches chunk after chunk until nothing
 * is due, the run is paused or cancelled, the projection stays stale (→ paused), or the process stops.
 */
@Injectable()
export class DispatchRun {
  private readonly logger = new Logger('outreach-run');

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly campaigns: CampaignRepository,
    private readonly runs: RunRepository,
    private readonly sends: SendRepository,
    private readonly channels: SmsChannels,
    private readonly chunk: DispatchChunk,
    private readonly reconcile: ReconcileSends,
    private readonly estimates: EstimateSms,
    private readonly platforms: PlatformChannels,
    private readonly gate: SendGate,
  ) {}

  /** The campaign's channel: its template's SMS vendor, WeCom or WeChat; undefined when not configured. */
  senderFor(campaign: Campaign, template: SmsTemplate | null): ChunkSender | undefined {
    if (campaign.channel === 'wecom')
      return this.platforms.wecom && new WecomChunkSender(campaign, this.platforms.wecom);
    if (campaign.channel === 'wechat')
      return this.platforms.wechat && new WechatChunkSender(campaign, this.platforms.wechat);
    const channel = template ? this.channels.get(template.vendor) : undefined;
    return channel && template ? new SmsChunkSender(campaign, template, channel) : undefined;
  }

  async execute(
    run: CampaignRun,
    campaign: Campaign,
    template: SmsTemplate | null,
    owner: string,
    stopping: () => boolean,
  ): Promise<void> {
    const { runs, sends } = this;
    const sender = this.senderFor(campaign, template);
    if (!sender) {
      await this.pause(run.id, campaign, 'vendor_not_configured');
      return;
    }
    const limit = this.options.runner?.chunkSize ?? 500;
    if (!run.planned) {
      // Billed parts are an SMS notion; a WeCom or WeChat message is one message.
      const parts = template
        ? this.estimates.estimate(
            template,
            campaign.variants[0].variables,
            campaign.channel,
            campaign.purpose,
          ).parts
        : 1;
      const planned = await this.ds.transaction(async (tx) => {
        const n = await sends.plan(tx, {
          runId: run.id,
          campaignId: campaign.id,
          segmentId: run.segmentId,
          segmentVersion: run.segmentVersion,
          purpose: campaign.purpose,
          channel: campaign.channel,
          variants: campaign.variants.length,
          recurring: campaign.schedule.kind === 'cron',
          maxRecipients: campaign.caps.maxRecipients ?? null,
          parts,
          clearance: this.gate.clearanceFor(campaign.purpose, campaign.channel),
        });
        await runs.markPlanned(tx, run.id);
        this.logger.log(`run ${run.id}: ${n} recipients planned`);
        return n;
      });
      // The run's sends were just bulk-inserted: statistics taken before them (after the last run
      // finished, the planned-send indexes looked empty) made the claim scan and sort every planned
      // send of the run for each chunk (issue 17 §6). Fresh statistics let it walk `sends_due`. A
      // small run's scans stay small, and ANALYZE samples the whole table: only past ten chunks.
      if (planned >= 10 * limit) await sends.refreshStatistics(this.ds.manager);
    }
    await this.reconcile.inDoubtOf(run.id, sender.vendor);

    const leaseMs = this.options.runner?.leaseMs ?? 15_000;
    const waitMs = this.options.freshnessWaitMs ?? 10_000;
    let staleSince: number | null = null;
    // Pipelined: the next chunk is gated while the previous one is at the vendor, and its vendor
    // calls start as soon as its own gate answered (never queued behind another chunk: each chunk's
    // deadline runs from its own gate answer, ADR 0006). At most two chunks are at the vendor.
    const pipelined = this.options.runner?.pipelined !== false;
    const inFlight: Promise<ChunkResult>[] = [];
    let missedDeadline = 0;
    const settle = async (keep: number): Promise<void> => {
      while (inFlight.length > keep) {
        const r = await inFlight.shift()!;
        if (r.kind === 'dispatched') missedDeadline += r.missedDeadline;
      }
    };
    try {
      while (!stopping()) {
        await runs.renewLease(this.ds.manager, run.id, owner, leaseMs);
        const admitted = await this.chunk.admit(run.id, campaign, sender, limit);
        if (admitted.kind === 'stale') {
          await settle(0);
          // Invariant 4: not known to be current → wait a little, then pause rather than guess.
          staleSince ??= Date.now();
          if (Date.now() - staleSince > waitMs) {
            this.logger.warn(`run ${run.id} paused: consent projection not current`);
            await this.pause(run.id, campaign, 'stale_projection');
            return;
          }
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        staleSince = null;
        if (admitted.kind !== 'admitted') return;
        if (admitted.sends.length > 0) {
          const dispatched = this.chunk.dispatch(admitted, campaign, sender);
          // Awaited by settle(); marked handled so a failure surfaces there, not as an unhandled rejection.
          dispatched.catch(() => undefined);
          inFlight.push(dispatched);
        }
        await settle(pipelined ? 1 : 0);
        if (admitted.sends.length + admitted.blocked + admitted.deferred > 0) continue;
        await settle(0);
        // Sends that missed their deadline went back to planned: gate them again.
        if (missedDeadline > 0) {
          missedDeadline = 0;
          continue;
        }
        // Nothing due now: done, or waiting for quiet hours to end or the vendor to answer.
        const left = await sends.countByState(this.ds.manager, run.id);
        if (left.inDoubt > 0 && (await this.reconcile.inDoubtOf(run.id, sender.vendor)) > 0) continue;
        if (left.planned === 0 && left.inDoubt === 0) await this.finish(run.id, campaign);
        return;
      }
    } finally {
      await settle(0);
    }
  }

  /**
   * The system's pause (stale projection, vendor not configured), which it lifts by itself. Taken
   * under the campaign's lock (the order the marketer's controls use) and only while the run is still
   * working: a marketer's pause committed while this run waited out a stale projection must stay the
   * marketer's, or the auto-resume would lift it and dispatch would go on after the marketer's pause.
   */
  private async pause(runId: string, campaign: Campaign, reason: string): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await this.campaigns.find(tx, campaign.brandId, campaign.id, true);
      if (await this.runs.pauseIfWorking(tx, runId, reason))
        await this.campaigns.setState(tx, campaign.id, 'paused');
    });
  }

  private async finish(runId: string, campaign: Campaign): Promise<void> {
    await this.ds.transaction(async (tx) => {
      const current = await this.campaigns.find(tx, campaign.brandId, campaign.id, true);
      await this.runs.setState(tx, runId, 'done');
      if (current?.state === 'sending')
        await this.campaigns.setState(
          tx,
          campaign.id,
          campaign.schedule.kind === 'cron' ? 'scheduled' : 'done',
        );
    });
  }
}
