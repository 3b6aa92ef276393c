import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CampaignRepository } from '../campaigns/campaign.repository';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { SendGate } from '../send-gate/send-gate';
import { TemplateRepository } from '../templates/template.repository';
import { DispatchRun } from './dispatch-run';
import { RunRepository, type CampaignRun } from './run.repository';

/**
 * Pauses the system makes by itself, each with the condition that clears it. A person's pause
 * (`paused_by_marketer`) is not here: only a person resumes it.
 */
export const SYSTEM_PAUSE_REASONS = ['stale_projection', 'vendor_not_configured'] as const;
export type SystemPauseReason = (typeof SYSTEM_PAUSE_REASONS)[number];

export function isSystemPause(reason: string | null): reason is SystemPauseReason {
  return (SYSTEM_PAUSE_REASONS as readonly string[]).includes(reason ?? '');
}

/**
 * Resumes a run the system paused once its reason has cleared (issue 14): the consent projection
 * is current again (invariant 4: the gate still re-checks every chunk), or the campaign's channel
 * is configured now. The run continues where it stopped; sent members are never planned again.
 * Guarded in one transaction on the campaign and run rows (the lock order the marketer's controls
 * use): a marketer's pause or cancel in between changes the reason or the state and wins.
 */
@Injectable()
export class ResumeSystemPausedRuns {
  private readonly logger = new Logger('outreach-auto-resume');

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly runs: RunRepository,
    private readonly campaigns: CampaignRepository,
    private readonly templates: TemplateRepository,
    private readonly gate: SendGate,
    private readonly dispatch: DispatchRun,
  ) {}

  async execute(): Promise<number> {
    const paused = await this.runs.listPausedFor(this.ds.manager, SYSTEM_PAUSE_REASONS, 20);
    let fresh: boolean | undefined;
    let resumed = 0;
    for (const run of paused) {
      if (run.pausedReason === 'stale_projection') {
        fresh ??= await this.gate.projectionIsFresh(this.ds.manager, this.options.transport);
        if (!fresh) continue;
      } else if (!(await this.channelConfigured(run))) continue;
      if (await this.resume(run)) {
        resumed++;
        this.logger.log(`run ${run.id} resumed: ${run.pausedReason} cleared`);
      }
    }
    return resumed;
  }

  private async channelConfigured(run: CampaignRun): Promise<boolean> {
    const campaign = await this.campaigns.findById(this.ds.manager, run.campaignId);
    if (!campaign) return false;
    const template = campaign.templateId
      ? await this.templates.find(this.ds.manager, campaign.brandId, campaign.templateId)
      : null;
    return this.dispatch.senderFor(campaign, template) !== undefined;
  }

  private resume(run: CampaignRun): Promise<boolean> {
    return this.ds.transaction(async (tx) => {
      const campaign = await this.campaigns.findById(tx, run.campaignId);
      const c = campaign && (await this.campaigns.find(tx, campaign.brandId, campaign.id, true));
      const open = c && (await this.runs.lockOpenRun(tx, c.id));
      // Still the same run, still paused by the system for the same reason, campaign still paused.
      if (!c || c.state !== 'paused' || open?.id !== run.id || open.state !== 'paused') return false;
      if (open.pausedReason !== run.pausedReason) return false;
      await this.runs.setState(tx, run.id, 'sending');
      await this.campaigns.setState(tx, c.id, 'sending');
      return true;
    });
  }
}
