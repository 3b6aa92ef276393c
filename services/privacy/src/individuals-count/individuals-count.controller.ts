import { Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Roles, type Actor } from '@siyu/auth';
import { IndividualsCountQuery } from './individuals-count.query';
import { IndividualsCountResponse, StartedCountResponse } from './individuals-count.response';
import { StartIndividualsCount } from './start-individuals-count.use-case';

/** R19: the distinct-individuals count across services, with its thresholds. */
@ApiTags('privacy: individuals count')
@ApiBearerAuth()
@Controller('api/v1/privacy/individuals-count')
export class IndividualsCountController {
  constructor(
    private readonly query: IndividualsCountQuery,
    private readonly start: StartIndividualsCount,
  ) {}

  @Get()
  @Roles('privacy_officer')
  @ApiOkResponse({ type: IndividualsCountResponse })
  @ApiErrors({ 404: ['NO_COUNT_YET'] })
  latest(): Promise<IndividualsCountResponse> {
    return this.query.latest();
  }

  @Post()
  @Roles('privacy_officer')
  @ApiCreatedResponse({ type: StartedCountResponse })
  count(@CurrentActor() officer: Actor): Promise<StartedCountResponse> {
    return this.start.execute(officer.id);
  }
}
