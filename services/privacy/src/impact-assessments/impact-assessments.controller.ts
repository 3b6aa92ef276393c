import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Roles, type Actor } from '@siyu/auth';
import { ImpactAssessmentsQuery } from './impact-assessments.query';
import { RecordImpactAssessmentRequest } from './impact-assessments.request';
import { ImpactAssessmentRegisterResponse, ImpactAssessmentResponse } from './impact-assessments.response';
import { RecordImpactAssessment } from './record-impact-assessment.use-case';

/** R18: the personal-information impact-assessment register (PIPL Arts. 55–56). */
@ApiTags('privacy: impact assessments')
@ApiBearerAuth()
@Controller('api/v1/privacy/impact-assessments')
export class ImpactAssessmentsController {
  constructor(
    private readonly query: ImpactAssessmentsQuery,
    private readonly record: RecordImpactAssessment,
  ) {}

  @Get()
  @Roles('privacy_officer')
  @ApiOkResponse({ type: ImpactAssessmentRegisterResponse })
  list(): Promise<ImpactAssessmentRegisterResponse> {
    return this.query.register();
  }

  @Post()
  @Roles('privacy_officer')
  @ApiCreatedResponse({ type: ImpactAssessmentResponse })
  @ApiErrors({ 400: ['UNKNOWN_ASSESSMENT_SUBJECT'] })
  create(
    @Body() body: RecordImpactAssessmentRequest,
    @CurrentActor() officer: Actor,
  ): Promise<ImpactAssessmentResponse> {
    return this.record.execute(officer, body);
  }
}
