import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CurrentActor, Roles, type Actor } from '@siyu/auth';
import { ApplyRetention, type RetentionReport } from './apply-retention.use-case';
import { SetShopRetention, type ShopRetentionSettings } from './set-shop-retention.use-case';
import { ShopRetentionParams, ShopRetentionRequest } from './shop-retention.request';

@Controller('api/v1/orders/retention')
export class RetentionController {
  constructor(
    private readonly setShopRetention: SetShopRetention,
    private readonly applyRetention: ApplyRetention,
  ) {}

  /** `{ afterSalesDays, recordRetentionDays }` for one platform shop (R17). */
  @Put('shops/:platform/:shopId')
  @Roles('privacy_officer', 'admin')
  setShop(
    @Param() params: ShopRetentionParams,
    @Body() body: ShopRetentionRequest,
    @CurrentActor() actor: Actor,
  ): Promise<ShopRetentionSettings> {
    return this.setShopRetention.execute(actor.id, params.platform, params.shopId, body);
  }

  /** A dry run: what the next run would shred and delete, per shop, counts only. */
  @Get('preview')
  @Roles('privacy_officer', 'admin')
  preview(@CurrentActor() actor: Actor): Promise<RetentionReport> {
    return this.applyRetention.execute(actor.id, { dryRun: true });
  }
}
