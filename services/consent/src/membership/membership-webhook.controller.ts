import { Body, Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiEveryRouteAnswers } from '@siyu/auth';
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
@ApiTags('webhooks')
@ApiEveryRouteAnswers({ description: "The platform's expected acknowledgement", schema: { type: 'object' } })
@ApiErrors({
  400: ['MEMBERSHIP_BODY_INVALID'],
  401: ['MEMBERSHIP_SIGNATURE_INVALID', 'MEMBERSHIP_TIMESTAMP_OUT_OF_WINDOW', 'MEMBERSHIP_NONCE_REPLAYED'],
  422: ['MEMBERSHIP_AGREEMENT_UNKNOWN', 'MEMBERSHIP_NO_NOTICE'],
})
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
