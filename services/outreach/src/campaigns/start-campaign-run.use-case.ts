import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { RunRepository, type CampaignRun } from '../runs/run.repository';
import { CampaignRepository } from './campaign.repository';
import { CampaignError, CampaignErrorCode } from './campaigns.errors';

/**
 * Starts a run now, as a background job: pins the newest complete segment version and queues the
 * run; the campaign runner plans and dispatches it. Answers at once with the run.
 */
@Injectable()
export class StartCampaignRun {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly campaigns: CampaignRepository,
    private readonly runs: RunRepository,
  ) {}

  async execute(campaignId: string, actorId: string): Promise<CampaignRun> {
    return this.ds.transaction(async (tx) => {
      const campaign = await this.campaigns.find(tx, this.options.brand.id, campaignId, true);
      if (!campaign) throw new CampaignError(CampaignErrorCode.NOT_FOUND, `campaign ${campaignId} not found`);
      if (!['draft', 'scheduled', 'done'].includes(campaign.state))
        throw new CampaignError(
          CampaignErrorCode.STATE_CONFLICT,
          `campaign ${campaignId} is ${campaign.state}: a run starts from draft, scheduled or done ` +
            '(resume a paused one; a cancelled one stays cancelled)',
        );
      const version = await this.campaigns.latestCompleteSegmentVersion(tx, campaign.segmentId);
      if (version === null)
        throw new CampaignError(
          CampaignErrorCode.SEGMENT_NOT_READY,
          'segment has not been materialised yet (POST /api/v1/audience/segments/:id/materialize)',
        );
      const run = await this.runs.create(tx, campaign.id, campaign.segmentId, version, actorId);
      await this.campaigns.setState(tx, campaign.id, 'sending');
      return run;
    });
  }
}
