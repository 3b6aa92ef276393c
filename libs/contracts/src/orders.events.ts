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

/** Max facts per release event; a buyer with more orders gets several events. */
export const FACTS_PER_EVENT = 200;

/** One order as marketing may see it once released: no receiver data, no platform ids (invariant 2). */
export class ReleasedOrderFact {
  @IsUUID()
  orderRef: string;

  @IsString()
  @Length(1, 32)
  status: string;

  @IsInt()
  @Min(0)
  amountCents: number;

  @IsISO8601({ strict: true })
  orderedAt: string;

  @ValidateNested({ each: true })
  @Type(() => OrderLineFact)
  @ArrayMaxSize(500)
  lines: OrderLineFact[];

  /**
   * The platform the order was placed on (a platform name, not an id; not personal). Optional and
   * added within v1: releases written before it carry none, and consumers treat it as unknown.
   */
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;
}

/**
 * `orders.facts-released.v1`: a consent covering purchase history linked this subject to a buyer
 * of ours, so the non-identifying facts of that buyer's orders may cross into marketing (R3).
 */
export class OrdersFactsReleasedV1 extends EventBase {
  override type = 'orders.facts-released.v1';

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsUUID()
  releaseId: string;

  @ValidateNested({ each: true })
  @Type(() => ReleasedOrderFact)
  @ArrayMaxSize(200)
  facts: ReleasedOrderFact[];
}

/** `orders.facts-revoked.v1`: the consent behind a release was withdrawn; delete what it released (R10). */
export class OrdersFactsRevokedV1 extends EventBase {
  override type = 'orders.facts-revoked.v1';

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsUUID()
  releaseId: string;
}
