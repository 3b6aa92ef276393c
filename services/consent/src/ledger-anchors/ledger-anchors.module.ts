import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { AnchorLedgerHead } from './anchor-ledger-head.use-case';
import { GetLatestAnchor } from './get-latest-anchor.query';
import { LedgerAnchorJob } from './ledger-anchor.job';
import { LedgerAnchorRepository } from './ledger-anchor.repository';
import { LedgerAnchorsController } from './ledger-anchors.controller';
import { LedgerVerifier } from './ledger-verifier';

/** Signed anchors of the ledger head and their verification (R20). */
@Module({
  imports: [LedgerModule],
  controllers: [LedgerAnchorsController],
  providers: [LedgerAnchorRepository, AnchorLedgerHead, GetLatestAnchor, LedgerAnchorJob, LedgerVerifier],
  exports: [LedgerVerifier],
})
export class LedgerAnchorsModule {}
