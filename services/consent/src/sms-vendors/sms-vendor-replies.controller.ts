import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiEveryRouteAnswers } from '@siyu/auth';
import { Public } from '@siyu/auth';
import { RecordSmsReply } from '../withdrawal/record-sms-reply.use-case';
import { WithdrawalError, WithdrawalErrorCode } from '../withdrawal/withdrawal.errors';
import { ALIYUN_RECEIVED, readAliyunUpMessages } from './aliyun-sms-replies';
import { SmsVendorTokens, type InboundSmsVendor } from './sms-vendor-tokens';
import { readTencentReply, TENCENT_RECEIVED } from './tencent-sms-replies';

/**
 * R9: replies to our marketing SMS, pushed by the vendors. The vendor is answered only after each
 * reply (and any withdrawal) is durable, with the same body whether or not the sender is a member.
 */
@ApiTags('webhooks')
@ApiEveryRouteAnswers({
  description: "The vendor's expected acknowledgement (Aliyun `{code:0}`, Tencent `{result:0}`)",
  schema: { type: 'object' },
})
@ApiErrors({ 400: ['WEBHOOK_BODY_INVALID'], 401: ['WEBHOOK_SIGNATURE_INVALID'] })
@Controller('webhooks/sms')
export class SmsVendorRepliesController {
  constructor(
    private readonly tokens: SmsVendorTokens,
    private readonly replies: RecordSmsReply,
  ) {}

  @Post('aliyun')
  @HttpCode(200)
  @Public('signed-webhook')
  async aliyun(@Query('token') token: unknown, @Body() body: unknown) {
    this.authenticate('aliyun', token);
    for (const reply of readAliyunUpMessages(body)) await this.replies.execute(reply);
    return ALIYUN_RECEIVED;
  }

  @Post('tencent')
  @HttpCode(200)
  @Public('signed-webhook')
  async tencent(@Query('token') token: unknown, @Body() body: unknown) {
    this.authenticate('tencent', token);
    await this.replies.execute(readTencentReply(body));
    return TENCENT_RECEIVED;
  }

  private authenticate(vendor: InboundSmsVendor, token: unknown) {
    if (!this.tokens.accepts(vendor, token)) {
      throw new WithdrawalError(
        WithdrawalErrorCode.SIGNATURE_INVALID,
        `${vendor} callback token missing or wrong`,
      );
    }
  }
}
