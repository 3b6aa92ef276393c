import { createHash, timingSafeEqual } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { DomainError, Public } from '@siyu/auth';
import { parseAliyunSmsReports } from '../channels/aliyun-sms.receipts';
import { OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { RecordSmsReceipts } from './record-sms-receipts.use-case';

class ReceiptTokenError extends DomainError<'RECEIPT_TOKEN_INVALID'> {
  get httpStatus(): number {
    return 401;
  }
}

/** The answer Aliyun's SmsReport push expects; anything else makes it retry. */
class AliyunReceiptAck {
  @ApiProperty({ example: 0 })
  code: number;
  @ApiProperty({ example: '成功' })
  msg: string;
}

const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();

/**
 * Delivery receipts pushed by the vendors (Aliyun SmsReport HTTP batch push). The vendor signs
 * nothing: its console takes a callback URL, so the URL carries a random token
 * (ALIYUN_SMS_RECEIPT_TOKEN), compared in constant time; unset refuses every call.
 */
@ApiTags('outreach receipts')
@Controller('webhooks/sms-receipts')
export class SmsReceiptsController {
  private readonly aliyunToken?: Buffer;

  constructor(
    @Inject(OUTREACH_OPTIONS) options: OutreachModuleOptions,
    private readonly receipts: RecordSmsReceipts,
  ) {
    const t = options.env.ALIYUN_SMS_RECEIPT_TOKEN?.trim();
    if (t) this.aliyunToken = digest(t);
  }

  @Post('aliyun')
  @HttpCode(200)
  @Public('signed-webhook')
  @ApiOkResponse({ type: AliyunReceiptAck, description: 'Aliyun’s expected answer { code: 0, msg: "成功" }' })
  @ApiUnauthorizedResponse({ description: 'RECEIPT_TOKEN_INVALID' })
  @ApiBadRequestResponse({ description: 'CHANNEL_BAD_PAYLOAD: the body is not a list of SmsReport objects' })
  async aliyun(@Query('token') token: unknown, @Body() body: unknown): Promise<AliyunReceiptAck> {
    if (!this.aliyunToken || typeof token !== 'string' || !timingSafeEqual(digest(token), this.aliyunToken))
      throw new ReceiptTokenError('RECEIPT_TOKEN_INVALID', 'aliyun receipt token missing or wrong');
    await this.receipts.execute('aliyun', parseAliyunSmsReports(body));
    return { code: 0, msg: '成功' };
  }
}
