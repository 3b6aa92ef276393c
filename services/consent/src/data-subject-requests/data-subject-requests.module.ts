import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { ProofRetentionModule } from '../proof-retention/proof-retention.module';
import { WithdrawalModule } from '../withdrawal/withdrawal.module';
import { DATA_SUBJECT_REQUEST_PROVIDERS } from './data-subject-requests.consumer';

/** Answers the privacy service's access and erasure requests (R14). */
@Module({
  imports: [LedgerModule, ProofRetentionModule, WithdrawalModule],
  providers: DATA_SUBJECT_REQUEST_PROVIDERS,
})
export class DataSubjectRequestsModule {}
