import { Body, Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { PLATFORMS } from '@siyu/contracts';
import { ApiErrors, Public } from '@siyu/auth';
import { OrderPushAcceptedResponse } from './order-push.response';
import { ReceiveOrderPush } from './receive-order-push.use-case';

/** Platform order pushes (tmall, jd, douyin, kuaishou, pinduoduo, youzan), signed per shop. */
@ApiTags('webhooks')
@Controller('webhooks/orders')
export class OrderPushesController {
  constructor(private readonly receive: ReceiveOrderPush) {}

  @Post(':platform')
  @ApiParam({ name: 'platform', enum: PLATFORMS })
  @ApiOkResponse({
    type: OrderPushAcceptedResponse,
    description: "Queued; the body is the platform's signed push",
  })
  @ApiErrors({
    400: ['ORDER_PUSH_BODY_INVALID'],
    401: ['ORDER_PUSH_SIGNATURE_INVALID', 'ORDER_PUSH_TIMESTAMP_OUT_OF_WINDOW', 'ORDER_PUSH_NONCE_REPLAYED'],
    404: ['ORDER_PUSH_PLATFORM_NOT_SUPPORTED'],
  })
  @HttpCode(200)
  @Public('signed-webhook')
  async push(
    @Param('platform') platform: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request & { rawBody?: Buffer },
    @Body() body: unknown,
  ) {
    return this.receive.execute({ platform, query, rawBody: req.rawBody, body });
  }
}
