import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { isSystemPause } from '../runs/resume-system-paused-runs.use-case';
import { RunRepository } from '../runs/run.repository';
import { SendRepository } from '../runs/send.repository';
import { nextRunAt } from './campaign-schedule';
import { CampaignRepository, type Campaign } from './campaign.repository';
import { CampaignError, CampaignErrorCode } from './campaigns.errors';

export type CampaignCommand = 'schedule' | 'pause' | 'resume' | 'cancel';

/**
 * The marketer's controls. Pause and cancel take effect at the next gate statement (the gate admits
 * only sends of a run in `sending`), i.e. within one chunk; resume lets the runner continue the same
 * run, whose sent members are never planned again.
 */
@Injectable()
export class ChangeCampaignState {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly campaigns: CampaignRepository,
    private readonly runs: RunRepository,
    private readonly sends: SendRepository,
  ) {}

  async execute(campaignId: string, command: CampaignCommand): Promise<Campaign> {
    return this.ds.transaction(async (tx) => {
      const c = await this.campaigns.find(tx, this.options.brand.id, campaignId, true);
      if (!c) throw new CampaignError(CampaignErrorCode.NOT_FOUND, `campaign ${campaignId} not found`);
      const refuse = (allowed: string) =>
        new CampaignError(
          CampaignErrorCode.STATE_CONFLICT,
          `cannot ${command} campaign ${campaignId}: it is ${c.state}, ${command} needs ${allowed}`,
        );
      const run = await this.runs.lockOpenRun(tx, c.id);
      switch (command) {
        case 'schedule': {
          if (c.state !== 'draft' && c.state !== 'done') throw refuse('draft or done');
          if (c.schedule.kind === 'now')
            throw new CampaignError(
              CampaignErrorCode.SCHEDULE_INVALID,
              'schedule.kind is "now": start it with POST …/runs, or create it with "at" or "cron"',
            );
          const next = c.schedule.kind === 'at' ? c.schedule.at : nextRunAt(c.schedule, new Date());
          await this.campaigns.setState(tx, c.id, 'scheduled', next);
          break;
        }
        case 'pause':
          // A run the system paused (stale projection, vendor not configured) would resume by itself
          // once the reason clears; a marketer's pause on it makes it theirs, resumed only by them.
          if (
            c.state !== 'sending' &&
            c.state !== 'scheduled' &&
            !(c.state === 'paused' && run?.state === 'paused' && isSystemPause(run.pausedReason))
          )
            throw refuse('sending or scheduled');
          if (run) await this.runs.setState(tx, run.id, 'paused', 'paused_by_marketer');
          await this.campaigns.setState(tx, c.id, 'paused');
          break;
        case 'resume':
          if (c.state !== 'paused') throw refuse('paused');
          if (run) {
            await this.runs.setState(tx, run.id, 'sending');
            await this.campaigns.setState(tx, c.id, 'sending');
          } else await this.campaigns.setState(tx, c.id, c.nextRunAt ? 'scheduled' : 'done');
          break;
        case 'cancel':
          if (c.state === 'cancelled' || c.state === 'done')
            throw refuse('draft, scheduled, sending or paused');
          if (run) {
            await this.runs.setState(tx, run.id, 'cancelled');
            await this.sends.cancelPlanned(tx, run.id);
          }
          await this.campaigns.setState(tx, c.id, 'cancelled', null);
          break;
      }
      return (await this.campaigns.find(tx, this.options.brand.id, campaignId))!;
    });
  }
}
