import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS } from '@siyu/contracts';
import type { RetentionReport, ShopRetentionReport } from './apply-retention.use-case';
import type { ShopRetentionSettings } from './set-shop-retention.use-case';

export class ShopRetentionSettingsResponse implements ShopRetentionSettings {
  @ApiProperty({ example: 90, description: 'Days after the order the receiver stays readable' })
  afterSalesDays: number;
  @ApiProperty({ example: 1095, description: 'Days the non-identifying record is kept' })
  recordRetentionDays: number;
}

export class ShopRetentionReportResponse implements ShopRetentionReport {
  @ApiProperty({ enum: PLATFORMS, example: 'jd' })
  platform: string;
  @ApiProperty({ example: 'shop-1' })
  shopId: string;
  @ApiProperty({ example: 90 })
  afterSalesDays: number;
  @ApiProperty({ example: 1095 })
  recordRetentionDays: number;
  @ApiProperty({ example: 12 })
  ordersShredded: number;
  @ApiProperty({ example: 3 })
  buyerKeysShredded: number;
  @ApiProperty({ example: 0 })
  recordsDeleted: number;
}

export class RetentionReportResponse implements RetentionReport {
  @ApiProperty({ example: true })
  dryRun: boolean;
  @ApiProperty({ type: ShopRetentionReportResponse, isArray: true })
  shops: ShopRetentionReport[];
}
