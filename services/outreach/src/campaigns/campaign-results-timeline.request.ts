import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsTimeZone } from 'class-validator';
import type { TimelineBucket } from './campaign-results-timeline.repository';

export class CampaignResultsTimelineQuery {
  @ApiPropertyOptional({ enum: ['hour', 'day'], default: 'hour' })
  @IsOptional()
  @IsIn(['hour', 'day'])
  bucket?: TimelineBucket;

  @ApiPropertyOptional({
    default: 'Asia/Shanghai',
    description: 'IANA time zone the buckets are cut in (a "day" is a day there)',
  })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;
}
