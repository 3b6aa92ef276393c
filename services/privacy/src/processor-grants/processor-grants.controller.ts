import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Roles, type Actor } from '@siyu/auth';
import { ConfirmProcessorDeletion } from './confirm-processor-deletion.use-case';
import { IssueProcessorGrant } from './issue-processor-grant.use-case';
import { ProcessorGrantsQuery } from './processor-grants.query';
import {
  ConfirmProcessorDeletionRequest,
  IssueProcessorGrantRequest,
  ProcessorGrantIdParams,
} from './processor-grants.request';
import { ProcessorGrantListResponse, ProcessorGrantResponse } from './processor-grants.response';
import { RevokeProcessorGrant } from './revoke-processor-grant.use-case';

/** R15: grants to entrusted agencies, managed by the privacy officer; every change audited. */
@ApiTags('privacy: processor grants')
@ApiBearerAuth()
@Controller('api/v1/privacy/processor-grants')
export class ProcessorGrantsController {
  constructor(
    private readonly issueGrant: IssueProcessorGrant,
    private readonly grants: ProcessorGrantsQuery,
    private readonly revokeGrant: RevokeProcessorGrant,
    private readonly confirmDeletion: ConfirmProcessorDeletion,
  ) {}

  @Post()
  @Roles('privacy_officer')
  @ApiCreatedResponse({ type: ProcessorGrantResponse })
  @ApiErrors({ 400: ['INVALID_PERIOD', 'DUTIES_NOT_ACKNOWLEDGED'] })
  issue(@Body() body: IssueProcessorGrantRequest, @CurrentActor() officer: Actor) {
    return this.issueGrant.execute(officer, body);
  }

  @Get()
  @Roles('privacy_officer')
  @ApiOkResponse({ type: ProcessorGrantListResponse })
  async list(@CurrentActor() officer: Actor): Promise<ProcessorGrantListResponse> {
    return { grants: await this.grants.list(officer) };
  }

  @Get(':id')
  @Roles('privacy_officer')
  @ApiOkResponse({ type: ProcessorGrantResponse })
  @ApiErrors({ 404: ['GRANT_NOT_FOUND'] })
  one(@Param() params: ProcessorGrantIdParams, @CurrentActor() officer: Actor) {
    return this.grants.one(officer, params.id);
  }

  /** Ends the grant now: the agency's access stops at once (ADR 0013). */
  @Post(':id/revocation')
  @Roles('privacy_officer')
  @HttpCode(200)
  @ApiOkResponse({ type: ProcessorGrantResponse })
  @ApiErrors({ 404: ['GRANT_NOT_FOUND'], 409: ['GRANT_ALREADY_ENDED'] })
  revoke(@Param() params: ProcessorGrantIdParams, @CurrentActor() officer: Actor) {
    return this.revokeGrant.execute(officer, params.id);
  }

  /** Records the agency's confirmation that it deleted the data, after the grant's end. */
  @Post(':id/deletion-confirmation')
  @Roles('privacy_officer')
  @HttpCode(200)
  @ApiOkResponse({ type: ProcessorGrantResponse })
  @ApiErrors({ 404: ['GRANT_NOT_FOUND'], 409: ['GRANT_NOT_ENDED', 'DELETION_ALREADY_CONFIRMED'] })
  confirm(
    @Param() params: ProcessorGrantIdParams,
    @Body() body: ConfirmProcessorDeletionRequest,
    @CurrentActor() officer: Actor,
  ) {
    return this.confirmDeletion.execute(officer, params.id, body);
  }
}
