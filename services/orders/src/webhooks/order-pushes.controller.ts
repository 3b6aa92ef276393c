import { Body, Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '@siyu/auth';
import { ReceiveOrderPush } from './receive-order-push.use-case';

/** Platform order pushes (tmall, jd, douyin, kuaishou, pinduoduo, youzan), signed per shop. */
@Controller('webhooks/orders')
export class OrderPushesController {
  constructor(private readonly receive: ReceiveOrderPush) {}

  @Post(':platform')
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
