import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CurrentActor, Roles, type Actor } from '@siyu/auth';
import { CreateCampaignRequest } from './create-campaign.request';
import { CreateCampaign } from './create-campaign.use-case';
import { RunCampaign } from './run-campaign.use-case';

@Controller('api/v1/outreach/campaigns')
@Roles('marketer', 'admin')
export class CampaignsController {
  constructor(
    private readonly createCampaign: CreateCampaign,
    private readonly runCampaign: RunCampaign,
  ) {}

  @Post()
  create(@Body() body: CreateCampaignRequest, @CurrentActor() actor: Actor) {
    return this.createCampaign.execute(body, actor.id);
  }

  @Post(':id/runs')
  run(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor) {
    return this.runCampaign.execute(id, actor);
  }
}
