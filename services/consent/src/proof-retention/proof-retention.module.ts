import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { ProofRetentionController } from './proof-retention.controller';
import { ProofRetentionJob } from './proof-retention.job';
import { PurgeExpiredProof } from './purge-expired-proof.use-case';
import { SubjectDataRepository } from './subject-data.repository';

/** Minimising consent proof past its retention period (R10, R20). */
@Module({
  imports: [LedgerModule],
  controllers: [ProofRetentionController],
  providers: [SubjectDataRepository, PurgeExpiredProof, ProofRetentionJob],
  exports: [SubjectDataRepository],
})
export class ProofRetentionModule {}
