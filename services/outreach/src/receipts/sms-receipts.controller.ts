import { createHash, timingSafeEqual } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Public } from '@siyu/auth';
import { DomainError } from '@siyu/http';
import { parseAliyunSmsReports } from '../channels/aliyun-sms.receipts';
import { parseTencentStatusCallback } from '../channels/tencent-sms.receipts';
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

/** The answer Tencent Cloud SMS expects from a status callback; anything else makes it retry. */
class TencentReceiptAck {
  @ApiProperty({ example: 0 })
  result: number;
  @ApiProperty({ example: 'OK' })
  errmsg: string;
}

type ReceiptVendor = 'aliyun' | 'tencent';

const TOKEN_VARIABLE: Record<ReceiptVendor, string> = {
  aliyun: 'ALIYUN_SMS_RECEIPT_TOKEN',
  tencent: 'TENCENT_SMS_RECEIPT_TOKEN',
};

const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();

/**
 * Delivery receipts pushed by the vendors (Aliyun SmsReport HTTP batch push, Tencent Cloud SMS
 * status callback). Neither vendor signs its push: its console takes a callback URL, so the URL
 * carries a random token per vendor (ALIYUN_SMS_RECEIPT_TOKEN, TENCENT_SMS_RECEIPT_TOKEN), compared
 * in constant time; unset refuses every call. The vendor is answered once the receipts are durable.
 */
@ApiTags('outreach receipts')
@ApiErrors({ 400: ['CHANNEL_BAD_PAYLOAD'], 401: ['RECEIPT_TOKEN_INVALID'] })
@Controller('webhooks/sms-receipts')
export class SmsReceiptsController {
  private readonly tokens = new Map<ReceiptVendor, Buffer>();

  constructor(
    @Inject(OUTREACH_OPTIONS) options: OutreachModuleOptions,
    private readonly receipts: RecordSmsReceipts,
  ) {
    for (const [vendor, variable] of Object.entries(TOKEN_VARIABLE) as [ReceiptVendor, string][]) {
      const t = options.env[variable]?.trim();
      if (t) this.tokens.set(vendor, digest(t));
    }
  }

  @Post('aliyun')
  @HttpCode(200)
  @Public('signed-webhook')
  @ApiOkResponse({ type: AliyunReceiptAck, description: 'Aliyun’s expected answer { code: 0, msg: "成功" }' })
  async aliyun(@Query('token') token: unknown, @Body() body: unknown): Promise<AliyunReceiptAck> {
    this.authenticate('aliyun', token);
    await this.receipts.execute('aliyun', parseAliyunSmsReports(body));
    return { code: 0, msg: '成功' };
  }

  @Post('tencent')
  @HttpCode(200)
  @Public('signed-webhook')
  @ApiOkResponse({
    type: TencentReceiptAck,
    description: 'Tencent’s expected answer { result: 0, errmsg: "OK" }',
  })
  async tencent(@Query('token') token: unknown, @Body() body: unknown): Promise<TencentReceiptAck> {
    this.authenticate('tencent', token);
    await this.receipts.execute('tencent', parseTencentStatusCallback(body));
    return { result: 0, errmsg: 'OK' };
  }

  private authenticate(vendor: ReceiptVendor, token: unknown): void {
    const expected = this.tokens.get(vendor);
    if (!expected || typeof token !== 'string' || !timingSafeEqual(digest(token), expected))
      throw new ReceiptTokenError('RECEIPT_TOKEN_INVALID', `${vendor} receipt token missing or wrong`);
  }
}
