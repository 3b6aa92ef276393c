import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB } from '../outreach.options';
import { TimeToSuppressionRepository } from './time-to-suppression.repository';
import { TimeToSuppressionQuery } from './time-to-suppression.request';
import { TimeToSuppressionResponse } from './time-to-suppression.response';

/** infra/prometheus/alerts.yml SiyuWithdrawalSlowToSuppress pages when p99 exceeds this. */
export const SLOW_AFTER_SECONDS = 5;

@ApiTags('outreach: withdrawals')
@ApiBearerAuth()
@Controller('api/v1/outreach/withdrawals')
@Roles('privacy_officer', 'admin')
export class TimeToSuppressionController {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    private readonly latencies: TimeToSuppressionRepository,
  ) {}

  /**
   * How long each "no" took from the ledger to the send gate (R9, invariant 4): percentiles per
   * day and per source, and the histogram. Counts and durations only, no subject refs.
   */
  @Get('time-to-suppression')
  @ApiOkResponse({ type: TimeToSuppressionResponse })
  async timeToSuppression(@Query() query: TimeToSuppressionQuery): Promise<TimeToSuppressionResponse> {
    const timeZone = query.timeZone ?? 'Asia/Shanghai';
    const since = new Date(Date.now() - (query.days ?? 30) * 86400_000);
    const figures = await this.latencies.since(this.ds.manager, since, timeZone, SLOW_AFTER_SECONDS);
    return { since: since.toISOString(), timeZone, slowAfterSeconds: SLOW_AFTER_SECONDS, ...figures };
  }
}
