import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { PLATFORMS, type Platform } from '@siyu/contracts';

export class ShopRetentionParams {
  @IsIn(PLATFORMS, { message: `platform must be one of ${PLATFORMS.join(', ')}` })
  platform: Platform;

  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'shopId must be 1-64 letters, digits, _ or -' })
  shopId: string;
}

export class ShopRetentionRequest {
  @IsInt()
  @Min(0)
  @Max(3650)
  afterSalesDays: number;

  @IsInt()
  @Min(1)
  @Max(36500)
  recordRetentionDays: number;
}
