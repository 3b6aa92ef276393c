import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { PLATFORMS, type Platform } from '@siyu/contracts';

export class ImportOrdersQuery {
  @IsIn(PLATFORMS)
  platform: Platform;

  /** Same shape as `OrdersIngestedV1.shopId`. */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'shop must be 1-64 letters, digits, _ or -' })
  shop: string;
}

/** `GET /imports?platform=&shop=&status=&limit=`: recent jobs, newest first. */
export class ListImportsQuery {
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'shop must be 1-64 letters, digits, _ or -' })
  shop?: string;

  @IsOptional()
  @IsIn(['running', 'completed', 'failed'])
  status?: 'running' | 'completed' | 'failed';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;
}
