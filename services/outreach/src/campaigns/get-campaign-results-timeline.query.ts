import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB } from '../outreach.options';
import { CampaignReads } from './campaign-reads';
import {
  CampaignResultsTimelineRepository,
  type TimelineBucket,
  type TimelinePoint,
} from './campaign-results-timeline.repository';

/** Results over time of one of the brand's campaigns (404 when it is not the brand's). */
@Injectable()
export class GetCampaignResultsTimeline {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    private readonly reads: CampaignReads,
    private readonly timelines: CampaignResultsTimelineRepository,
  ) {}

  async execute(
    campaignId: string,
    bucket: TimelineBucket,
    timeZone: string,
  ): Promise<{ campaignId: string; bucket: TimelineBucket; timeZone: string; points: TimelinePoint[] }> {
    await this.reads.campaign(campaignId);
    const points = await this.timelines.timeline(this.ds.manager, campaignId, bucket, timeZone);
    return { campaignId, bucket, timeZone, points };
  }
}
