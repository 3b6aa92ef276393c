import { Module } from '@nestjs/common';
import { GetMarketingStatistics } from './get-marketing-statistics.query';
import { MarketingStatisticsController } from './marketing-statistics.controller';
import { MarketingStatisticsRepository } from './marketing-statistics.repository';

/** Counts for the marketer's console: consenting members per channel and opt-outs over time (no PII). */
@Module({
  controllers: [MarketingStatisticsController],
  providers: [MarketingStatisticsRepository, GetMarketingStatistics],
})
export class MarketingStatisticsModule {}
