import { IsInt, Matches, Max, Min } from 'class-validator';

export class ShopRetentionParams {
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
