import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONSENT_DB } from '../consent.options';
import { MarketingStatisticsRepository } from './marketing-statistics.repository';
import type { MarketingStatisticsResponse } from './marketing-statistics.response';

/** Days are counted in China time: the marketers' day. */
const TIME_ZONE = 'Asia/Shanghai';

/** Members by channel and opt-outs per day over the last `days` days: counts, never people. */
@Injectable()
export class GetMarketingStatistics {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly statistics: MarketingStatisticsRepository,
  ) {}

  async execute(brandId: string, days: number): Promise<MarketingStatisticsResponse> {
    const [channels, optOuts] = await Promise.all([
      this.statistics.membersByChannel(this.ds.manager, brandId),
      this.statistics.optOutsPerDay(this.ds.manager, brandId, days, TIME_ZONE),
    ]);
    return { days, timeZone: TIME_ZONE, channels, optOuts };
  }
}
