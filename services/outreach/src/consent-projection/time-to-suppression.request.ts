import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsTimeZone, Max, Min } from 'class-validator';

export class TimeToSuppressionQuery {
  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 366, description: 'The last N days' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;

  @ApiPropertyOptional({ default: 'Asia/Shanghai', description: 'IANA time zone the days are cut in' })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;
}
