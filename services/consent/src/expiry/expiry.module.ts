import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { WithdrawalModule } from '../withdrawal/withdrawal.module';
import { ConsentExpiryJob } from './consent-expiry.job';
import { ExpireConsents } from './expire-consents.use-case';

/** Grants that lapse (a membership's lifetime) are withdrawn when they do. */
@Module({
  imports: [LedgerModule, WithdrawalModule],
  providers: [ExpireConsents, ConsentExpiryJob],
})
export class ExpiryModule {}
