import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Roles, type Actor } from '@siyu/auth';
import { LookUpSubject } from './look-up-subject.use-case';
import { SubjectLookupQuery } from './subject-lookup.query';
import { LookupIdParams, LookUpSubjectRequest } from './subject-lookups.request';
import { StartedLookupResponse, SubjectLookupResponse } from './subject-lookups.response';

/** R14: the privacy officer finds the subject of a verified request by its phone — one phone per lookup, audited. */
@ApiTags('privacy: subject lookup')
@ApiBearerAuth()
@Controller('api/v1/privacy/subject-lookups')
export class SubjectLookupsController {
  constructor(
    private readonly lookUp: LookUpSubject,
    private readonly query: SubjectLookupQuery,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('privacy_officer')
  @ApiAcceptedResponse({ type: StartedLookupResponse, description: 'Consent answers shortly; read it by id' })
  @ApiErrors({ 400: ['PHONE_INVALID'], 503: ['NOT_READY'] })
  start(@Body() body: LookUpSubjectRequest, @CurrentActor() officer: Actor): Promise<StartedLookupResponse> {
    return this.lookUp.execute(officer, body);
  }

  @Get(':id')
  @Roles('privacy_officer')
  @ApiOkResponse({ type: SubjectLookupResponse })
  @ApiErrors({ 404: ['LOOKUP_NOT_FOUND'] })
  describe(@Param() params: LookupIdParams, @CurrentActor() officer: Actor): Promise<SubjectLookupResponse> {
    return this.query.describe(officer, params.id);
  }
}
