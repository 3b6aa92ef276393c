import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { SendState } from '../runs/send.repository';

export class ListSendsQuery {
  @ApiPropertyOptional({
    enum: ['planned', 'blocked', 'submitting', 'submitted', 'unknown', 'delivered', 'failed', 'cancelled'],
  })
  @IsOptional()
  @IsIn(['planned', 'blocked', 'submitting', 'submitted', 'unknown', 'delivered', 'failed', 'cancelled'])
  state?: SendState;

  @ApiPropertyOptional({ description: 'The last send id of the previous page' })
  @IsOptional()
  @IsUUID()
  after?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
