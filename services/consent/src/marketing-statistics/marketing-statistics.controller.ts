import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { MarketingStatisticsRepository } from './marketing-statistics.repository';
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

const TIME_ZONE = 'Asia/Shanghai';

/** Members by channel and opt-outs over time, for the marketers' overview: counts, never people. */
@ApiTags('consent: marketing statistics')
@ApiBearerAuth()
@Controller('api/v1/consent/statistics')
@Roles('marketer', 'privacy_officer', 'admin')
export class MarketingStatisticsController {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly statistics: MarketingStatisticsRepository,
  ) {}

  @Get()
  @ApiOkResponse({ type: MarketingStatisticsResponse })
  async show(@Query() { days = 30 }: MarketingStatisticsQuery): Promise<MarketingStatisticsResponse> {
    const brandId = this.options.brand.id;
    const [channels, optOuts] = await Promise.all([
      this.statistics.membersByChannel(this.ds.manager, brandId),
      this.statistics.optOutsPerDay(this.ds.manager, brandId, days, TIME_ZONE),
    ]);
    return { days, timeZone: TIME_ZONE, channels, optOuts };
  }
}
