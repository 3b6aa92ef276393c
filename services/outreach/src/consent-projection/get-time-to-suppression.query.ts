import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB } from '../outreach.options';
import { TimeToSuppressionRepository, type TimeToSuppression } from './time-to-suppression.repository';

/** infra/prometheus/alerts.yml SiyuWithdrawalSlowToSuppress pages when p99 exceeds this. */
export const SLOW_AFTER_SECONDS = 5;

/**
 * How long each "no" took from the ledger to the send gate (R9, invariant 4): percentiles per day
 * and per source, and the histogram. Counts and durations only, no subject refs.
 */
@Injectable()
export class GetTimeToSuppression {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    private readonly latencies: TimeToSuppressionRepository,
  ) {}

  async execute(
    days: number,
    timeZone: string,
  ): Promise<TimeToSuppression & { since: string; timeZone: string; slowAfterSeconds: number }> {
    const since = new Date(Date.now() - days * 86400_000);
    const figures = await this.latencies.since(this.ds.manager, since, timeZone, SLOW_AFTER_SECONDS);
    return { since: since.toISOString(), timeZone, slowAfterSeconds: SLOW_AFTER_SECONDS, ...figures };
  }
}
