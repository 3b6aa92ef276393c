import { Module } from '@nestjs/common';
import { ConsentExpiryRepository } from '../expiry/consent-expiry.repository';
import { LedgerRepository } from './ledger.repository';
import { RecordGrant } from './record-grant.use-case';

/** The append-only, hash-chained consent ledger (R20) and the one way a grant is recorded. */
@Module({
  providers: [LedgerRepository, RecordGrant, ConsentExpiryRepository],
  exports: [LedgerRepository, RecordGrant, ConsentExpiryRepository],
})
export class LedgerModule {}
