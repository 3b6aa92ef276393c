import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB } from '../outreach.options';
import { CampaignReads } from './campaign-reads';
import { CampaignResultsTimelineRepository } from './campaign-results-timeline.repository';
import { CampaignResultsTimelineQuery } from './campaign-results-timeline.request';
import { CampaignResultsTimelineResponse } from './campaign-results-timeline.response';

@ApiTags('outreach campaigns')
@ApiBearerAuth()
@Controller('api/v1/outreach/campaigns')
@Roles('marketer', 'admin')
export class CampaignResultsTimelineController {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    private readonly reads: CampaignReads,
    private readonly timelines: CampaignResultsTimelineRepository,
  ) {}

  /** Results over time: sends, deliveries, failures, gate refusals and opt-outs per hour or day. */
  @Get(':id/timeline')
  @ApiOkResponse({ type: CampaignResultsTimelineResponse })
  @ApiErrors({ 404: ['CAMPAIGN_NOT_FOUND'] })
  async timeline(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: CampaignResultsTimelineQuery,
  ): Promise<CampaignResultsTimelineResponse> {
    await this.reads.campaign(id);
    const bucket = query.bucket ?? 'hour';
    const timeZone = query.timeZone ?? 'Asia/Shanghai';
    const points = await this.timelines.timeline(this.ds.manager, id, bucket, timeZone);
    return { campaignId: id, bucket, timeZone, points };
  }
}
