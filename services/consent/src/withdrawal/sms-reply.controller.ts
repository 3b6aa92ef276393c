import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiEveryRouteAnswers } from '@siyu/auth';
import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '@siyu/auth';
import { ConsentKeys } from '../consent.keys';
import { RecordSmsReply } from './record-sms-reply.use-case';
import { WithdrawalError, WithdrawalErrorCode } from './withdrawal.errors';

/**
 * Inbound SMS from the sandbox channel, signed with HMAC-SHA256 over the raw body (Aliyun and
 * Tencent Cloud arrive at sms-vendors/). The answer is the same whether or not the number is a member.
 */
@ApiTags('webhooks')
@ApiEveryRouteAnswers({
  description: 'Recorded (a T/TD/退订/R reply withdraws at once)',
  schema: { type: 'object' },
})
@ApiErrors({ 400: ['WEBHOOK_BODY_INVALID'], 401: ['WEBHOOK_SIGNATURE_INVALID'] })
@Controller('webhooks/sms')
export class SmsReplyController {
  constructor(
    private readonly keys: ConsentKeys,
    private readonly replies: RecordSmsReply,
  ) {}

  @Post('sandbox')
  @HttpCode(200)
  @Public('signed-webhook')
  async receive(
    @Req() req: Request & { rawBody?: Buffer },
    @Headers('x-siyu-signature') signature: string,
    @Body() body: Record<string, unknown>,
  ) {
    this.verifySignature(req.rawBody, signature);
    if (typeof body?.from !== 'string' || typeof body?.text !== 'string' || body.text.length > 500) {
      throw new WithdrawalError(
        WithdrawalErrorCode.BODY_INVALID,
        'expected {"from": "<mobile>", "text": "<reply, ≤500 chars>"}',
      );
    }
    await this.replies.execute({ vendor: 'sandbox', from: body.from, text: body.text });
    return { ok: true };
  }

  private verifySignature(raw: Buffer | undefined, signature: string | undefined) {
    const expected = createHmac('sha256', this.keys.smsWebhookSecret)
      .update(raw ?? Buffer.alloc(0))
      .digest('hex');
    const given = Buffer.from(String(signature ?? ''));
    if (!raw || given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
      throw new WithdrawalError(
        WithdrawalErrorCode.SIGNATURE_INVALID,
        'X-Siyu-Signature does not match the body',
      );
    }
  }
}
