import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { PLATFORMS } from '@siyu/contracts';
import { ApiErrors, CurrentActor, Roles, type Actor } from '@siyu/auth';
import { RetentionReportResponse, ShopRetentionSettingsResponse } from './retention.response';
import { ApplyRetention, type RetentionReport } from './apply-retention.use-case';
import { SetShopRetention, type ShopRetentionSettings } from './set-shop-retention.use-case';
import { ShopRetentionParams, ShopRetentionRequest } from './shop-retention.request';

@ApiTags('orders: retention')
@Controller('api/v1/orders/retention')
export class RetentionController {
  constructor(
    private readonly setShopRetention: SetShopRetention,
    private readonly applyRetention: ApplyRetention,
  ) {}

  /** `{ afterSalesDays, recordRetentionDays }` for one platform shop (R17). */
  @Put('shops/:platform/:shopId')
  @ApiParam({ name: 'platform', enum: PLATFORMS })
  @ApiParam({ name: 'shopId', example: 'shop-1', description: '1-64 letters, digits, _ or -' })
  @ApiBody({
    type: ShopRetentionSettingsResponse,
    description: 'afterSalesDays 0-3650, recordRetentionDays 1-36500',
  })
  @ApiOkResponse({ type: ShopRetentionSettingsResponse })
  @ApiErrors({ 422: ['RETENTION_SHORTER_THAN_WINDOW'] })
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
  @ApiOkResponse({ type: RetentionReportResponse, description: 'Counts only' })
  @Roles('privacy_officer', 'admin')
  preview(@CurrentActor() actor: Actor): Promise<RetentionReport> {
    return this.applyRetention.execute(actor.id, { dryRun: true });
  }
}
