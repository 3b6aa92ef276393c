import { IsIn, Matches } from 'class-validator';
import { PLATFORMS, type Platform } from '@siyu/contracts';

export class ImportOrdersQuery {
  @IsIn(PLATFORMS)
  platform: Platform;

  /** Same shape as `OrdersIngestedV1.shopId`. */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'shop must be 1-64 letters, digits, _ or -' })
  shop: string;
}
