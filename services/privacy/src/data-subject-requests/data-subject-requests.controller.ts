import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Roles, type Actor } from '@siyu/auth';
import { AccessExportResponse, DataSubjectRequestResponse } from './data-subject-request.response';
import { LogRequestRequest, RequestIdParams } from './log-request.request';
import { LogRequest } from './log-request.use-case';
import { RequestStatus } from './request-status';

class LoggedRequestResponse {
  @ApiProperty() id: string;
  @ApiProperty() dueAt: string;
}

@ApiTags('privacy: data-subject requests')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'Not a privacy officer' })
@Controller('api/v1/privacy/requests')
export class DataSubjectRequestsController {
  constructor(
    private readonly logRequest: LogRequest,
    private readonly status: RequestStatus,
  ) {}

  /** A request received offline, its requester verified by the officer (R14). */
  @Post()
  @Roles('privacy_officer')
  @ApiCreatedResponse({ type: LoggedRequestResponse })
  @ApiErrors({ 400: ['INVALID_CORRECTION'], 409: ['NO_SERVICE_HOLDS_FIELD'] })
  log(@Body() body: LogRequestRequest, @CurrentActor() officer: Actor) {
    return this.logRequest.execute(officer, body);
  }

  @Get(':id')
  @Roles('privacy_officer')
  @ApiOkResponse({ type: DataSubjectRequestResponse })
  @ApiNotFoundResponse({ description: 'REQUEST_NOT_FOUND' })
  describe(@Param() params: RequestIdParams) {
    return this.status.describe(params.id);
  }

  @Get(':id/export')
  @Roles('privacy_officer')
  @ApiOkResponse({ type: AccessExportResponse })
  @ApiNotFoundResponse({ description: 'REQUEST_NOT_FOUND' })
  @ApiConflictResponse({ description: 'EXPORT_NOT_READY or NOT_AN_ACCESS_REQUEST' })
  export(@Param() params: RequestIdParams) {
    return this.status.exportAccess(params.id);
  }
}
