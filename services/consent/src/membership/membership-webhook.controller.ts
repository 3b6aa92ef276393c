import { Body, Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '@siyu/auth';
import { AnswerMembershipCall } from './answer-membership-call.use-case';
import { readMembershipCall } from './membership-call';
import { MembershipShops } from './membership-shops';
import { verifyMembershipSignature } from './membership-signature';

/**
 * Door 1: the platform's membership SPI (会员通 style) calls us to bind, register, query and unbind
 * members of the brand's shop. Platforms give up after ~1.2 s, so each call is one short transaction.
 */
@Controller('webhooks/membership')
export class MembershipWebhookController {
  constructor(
    private readonly shops: MembershipShops,
    private readonly calls: AnswerMembershipCall,
  ) {}

  @Post(':platform/:action')
  @HttpCode(200)
  @Public('signed-webhook')
  async receive(
    @Param('platform') platform: string,
    @Param('action') action: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request & { rawBody?: Buffer },
    @Body() body: unknown,
  ) {
    const signed = verifyMembershipSignature(
      query,
      req.rawBody,
      (shop) => this.shops.secretOf(shop),
      Date.now(),
    );
    return this.calls.execute(readMembershipCall(platform, action, signed.shopId, body), signed.nonce);
  }
}
