import { Module } from '@nestjs/common';
import { WithdrawalModule } from '../withdrawal/withdrawal.module';
import { WITHDRAW_ALL_REQUEST_PROVIDERS } from './withdraw-all-requests.consumer';

/** A customer's "withdraw everything" request from the privacy service (R14): one ledger entry. */
@Module({
  imports: [WithdrawalModule],
  providers: WITHDRAW_ALL_REQUEST_PROVIDERS,
})
export class RightsRequestsModule {}
