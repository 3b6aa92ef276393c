import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import { GetTimeToSuppression } from './get-time-to-suppression.query';
import { TimeToSuppressionQuery } from './time-to-suppression.request';
import { TimeToSuppressionResponse } from './time-to-suppression.response';

@ApiTags('outreach: withdrawals')
@ApiBearerAuth()
@Controller('api/v1/outreach/withdrawals')
@Roles('privacy_officer', 'admin')
export class TimeToSuppressionController {
  constructor(private readonly query: GetTimeToSuppression) {}

  /**
   * How long each "no" took from the ledger to the send gate (R9, invariant 4): percentiles per
   * day and per source, and the histogram. Counts and durations only, no subject refs.
   */
  @Get('time-to-suppression')
  @ApiOkResponse({ type: TimeToSuppressionResponse })
  timeToSuppression(@Query() query: TimeToSuppressionQuery): Promise<TimeToSuppressionResponse> {
    return this.query.execute(query.days ?? 30, query.timeZone ?? 'Asia/Shanghai');
  }
}
