import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { EventBase } from './event';

export const PLATFORMS = ['tmall', 'jd', 'douyin', 'kuaishou', 'pinduoduo', 'youzan'] as const;
export type Platform = (typeof PLATFORMS)[number];

export class OrderLineFact {
  @IsString()
  @Length(1, 64)
  sku: string;

  @IsInt()
  @Min(1)
  quantity: number;
}

/** `orders.ingested.v1`: non-identifying order facts for analytics. Never receiver data or platform ids. */
export class OrdersIngestedV1 extends EventBase {
  override type = 'orders.ingested.v1';

  @IsUUID()
  orderRef: string;

  @IsIn(PLATFORMS)
  platform: Platform;

  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  shopId: string;

  @IsString()
  @Length(1, 32)
  status: string;

  @IsInt()
  @Min(0)
  amountCents: number;

  @IsISO8601({ strict: true })
  orderedAt: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  shippedAt?: string;

  @ValidateNested({ each: true })
  @Type(() => OrderLineFact)
  @ArrayMaxSize(500)
  lines: OrderLineFact[];
}
