import { Module } from '@nestjs/common';
import { WithdrawalModule } from '../withdrawal/withdrawal.module';
import { SmsVendorRepliesController } from './sms-vendor-replies.controller';
import { SmsVendorTokens } from './sms-vendor-tokens';

/** SMS vendors' reply callbacks (Aliyun, Tencent Cloud) into withdrawal. */
@Module({
  imports: [WithdrawalModule],
  controllers: [SmsVendorRepliesController],
  providers: [SmsVendorTokens],
})
export class SmsVendorsModule {}
