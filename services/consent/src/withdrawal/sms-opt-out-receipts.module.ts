import { Module } from '@nestjs/common';
import { SMS_OPT_OUT_RECEIPT_PROVIDERS } from './sms-opt-out-receipts.consumer';
import { WithdrawalModule } from './withdrawal.module';

/** A vendor's opt-out or blacklist receipt, reported by outreach, withdraws SMS consent here (R9). */
@Module({
  imports: [WithdrawalModule],
  providers: SMS_OPT_OUT_RECEIPT_PROVIDERS,
})
export class SmsOptOutReceiptsModule {}
