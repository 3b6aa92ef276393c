import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@siyu/auth';
import type { OrderPushStatus } from './order-push.repository';
import { GetOrderPushStatus } from './get-order-push-status.query';
import { OrderPushStatusQuery } from './order-push-status.request';

/** Ops view of the push queue: outcome and where pushes carried unmasked PII (R1), never content. */
@Controller('api/v1/orders/pushes')
export class OrderPushStatusController {
  constructor(private readonly status: GetOrderPushStatus) {}

  @Get()
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
