import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@siyu/auth';
import { CampaignResultsTimelineQuery } from './campaign-results-timeline.request';
import { CampaignResultsTimelineResponse } from './campaign-results-timeline.response';
import { GetCampaignResultsTimeline } from './get-campaign-results-timeline.query';

@ApiTags('outreach campaigns')
@ApiBearerAuth()
@Controller('api/v1/outreach/campaigns')
@Roles('marketer', 'admin')
export class CampaignResultsTimelineController {
  constructor(private readonly query: GetCampaignResultsTimeline) {}

  /** Results over time: sends, deliveries, failures, gate refusals and opt-outs per hour or day. */
  @Get(':id/timeline')
  @ApiOkResponse({ type: CampaignResultsTimelineResponse })
  @ApiErrors({ 404: ['CAMPAIGN_NOT_FOUND'] })
  timeline(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: CampaignResultsTimelineQuery,
  ): Promise<CampaignResultsTimelineResponse> {
    return this.query.execute(id, query.bucket ?? 'hour', query.timeZone ?? 'Asia/Shanghai');
  }
}
