import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { LedgerAnchorsModule } from '../ledger-anchors/ledger-anchors.module';
import { GetSubjectHistory } from './get-subject-history.query';
import { GetSubjectState } from './get-subject-state.query';
import { LedgerApiController } from './ledger-api.controller';

/** Staff queries of the ledger: history and state as of any time. */
@Module({
  imports: [LedgerModule, LedgerAnchorsModule],
  controllers: [LedgerApiController],
  providers: [GetSubjectState, GetSubjectHistory],
})
export class LedgerApiModule {}
