import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentActor, Roles, type Actor } from '@siyu/auth';
import {
  CampaignResponse,
  RunResponse,
  SendResponse,
  toCampaignResponse,
  toRunResponse,
} from './campaign.response';
import { CampaignReads } from './campaign-reads';
import { ChangeCampaignState } from './change-campaign-state.use-case';
import { CreateCampaignRequest } from './create-campaign.request';
import { CreateCampaign } from './create-campaign.use-case';
import { ListSendsQuery } from './list-sends.request';
import { StartCampaignRun } from './start-campaign-run.use-case';

@ApiTags('outreach campaigns')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'ROLE_NOT_ALLOWED: marketers and admins only' })
@ApiNotFoundResponse({ description: 'CAMPAIGN_NOT_FOUND / CAMPAIGN_RUN_NOT_FOUND' })
@Controller('api/v1/outreach')
@Roles('marketer', 'admin')
export class CampaignsController {
  constructor(
    private readonly repos: CampaignReads,
    private readonly createCampaign: CreateCampaign,
    private readonly startRun: StartCampaignRun,
    private readonly changeState: ChangeCampaignState,
  ) {}

  @Post('campaigns')
  @ApiCreatedResponse({ type: CampaignResponse })
  @ApiUnprocessableEntityResponse({
    description:
      'CAMPAIGN_TEMPLATE_NOT_USABLE, CAMPAIGN_VARIABLES_INVALID, CAMPAIGN_OFFER_DIFFERS (R13), CAMPAIGN_SCHEDULE_INVALID',
  })
  async create(@Body() body: CreateCampaignRequest, @CurrentActor() actor: Actor): Promise<CampaignResponse> {
    return this.repos.withEstimate(await this.createCampaign.execute(body, actor.id));
  }

  @Get('campaigns')
  @ApiOkResponse({ type: [CampaignResponse] })
  list(): Promise<CampaignResponse[]> {
    return this.repos.list();
  }

  @Get('campaigns/:id')
  @ApiOkResponse({ type: CampaignResponse })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignResponse> {
    return this.repos.withEstimate(await this.repos.campaign(id));
  }

  @Post('campaigns/:id/runs')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: RunResponse,
    description: 'Queued; follow it at GET /api/v1/outreach/runs/:runId',
  })
  @ApiConflictResponse({ description: 'SEGMENT_NOT_READY, CAMPAIGN_STATE_CONFLICT' })
  async run(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<RunResponse> {
    return toRunResponse(await this.startRun.execute(id, actor.id));
  }

  @Post('campaigns/:id/schedule')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse, description: 'draft → scheduled (kind "at" or "cron")' })
  @ApiConflictResponse({ description: 'CAMPAIGN_STATE_CONFLICT' })
  async schedule(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignResponse> {
    return toCampaignResponse(await this.changeState.execute(id, 'schedule'));
  }

  @Post('campaigns/:id/pause')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse, description: 'Dispatch stops at the next chunk' })
  @ApiConflictResponse({ description: 'CAMPAIGN_STATE_CONFLICT' })
  async pause(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignResponse> {
    return toCampaignResponse(await this.changeState.execute(id, 'pause'));
  }

  @Post('campaigns/:id/resume')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse, description: 'The same run continues; nobody is sent twice' })
  @ApiConflictResponse({ description: 'CAMPAIGN_STATE_CONFLICT' })
  async resume(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignResponse> {
    return toCampaignResponse(await this.changeState.execute(id, 'resume'));
  }

  @Post('campaigns/:id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse, description: 'Planned sends are cancelled' })
  @ApiConflictResponse({ description: 'CAMPAIGN_STATE_CONFLICT' })
  async cancel(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignResponse> {
    return toCampaignResponse(await this.changeState.execute(id, 'cancel'));
  }

  @Get('campaigns/:id/runs')
  @ApiOkResponse({ type: [RunResponse] })
  runs(@Param('id', ParseUUIDPipe) id: string): Promise<RunResponse[]> {
    return this.repos.runsOf(id);
  }

  @Get('runs/:runId')
  @ApiOkResponse({
    type: RunResponse,
    description:
      'With results: targeted, blocked by reason, submitted, delivered, failed by code, opted out within 72 h, parts billed',
  })
  getRun(@Param('runId', ParseUUIDPipe) runId: string): Promise<RunResponse> {
    return this.repos.runWithResults(runId);
  }

  @Get('runs/:runId/sends')
  @ApiOkResponse({ type: [SendResponse] })
  sends(
    @Param('runId', ParseUUIDPipe) runId: string,
    @Query() query: ListSendsQuery,
  ): Promise<SendResponse[]> {
    return this.repos.sendsOf(runId, query);
  }
}
