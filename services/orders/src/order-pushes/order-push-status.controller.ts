import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PLATFORMS } from '@siyu/contracts';
import { Roles } from '@siyu/auth';
import { OrderPushStatusListResponse } from './order-push.response';
import type { OrderPushStatus } from './order-push.repository';
import { GetOrderPushStatus } from './get-order-push-status.query';
import { OrderPushStatusQuery } from './order-push-status.request';

/** Ops view of the push queue: outcome and where pushes carried unmasked PII (R1), never content. */
@ApiTags('orders: pushes')
@Controller('api/v1/orders/pushes')
export class OrderPushStatusController {
  constructor(private readonly status: GetOrderPushStatus) {}

  @Get()
  @ApiQuery({ name: 'platform', enum: PLATFORMS })
  @ApiQuery({ name: 'shop' })
  @ApiQuery({ name: 'pushId', required: false })
  @ApiQuery({ name: 'withUnmaskedPii', enum: ['true', 'false'], required: false })
  @ApiOkResponse({ type: OrderPushStatusListResponse })
  @Roles('ops', 'privacy_officer', 'admin')
  list(@Query() query: OrderPushStatusQuery): Promise<{ pushes: OrderPushStatus[] }> {
    return this.status.execute({
      platform: query.platform,
      shopId: query.shop,
      pushId: query.pushId,
      withUnmaskedPii: query.withUnmaskedPii === 'true',
    });
  }
}
