import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { GetMarketingStatistics } from './get-marketing-statistics.query';
import { MarketingStatisticsResponse } from './marketing-statistics.response';

export class MarketingStatisticsQuery {
  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 366 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;
}

/** Members by channel and opt-outs over time, for the marketers' overview: counts, never people. */
@ApiTags('consent: marketing statistics')
@ApiBearerAuth()
@Controller('api/v1/consent/statistics')
@Roles('marketer', 'privacy_officer', 'admin')
export class MarketingStatisticsController {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly statistics: GetMarketingStatistics,
  ) {}

  @Get()
  @ApiOkResponse({ type: MarketingStatisticsResponse })
  show(@Query() { days = 30 }: MarketingStatisticsQuery): Promise<MarketingStatisticsResponse> {
    return this.statistics.execute(this.options.brand.id, days);
  }
}
