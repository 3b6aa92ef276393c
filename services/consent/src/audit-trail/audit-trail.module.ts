import { Module } from '@nestjs/common';
import { ConsentAuditTrailController } from './audit-trail.controller';
import { VerifyConsentAuditTrail } from './verify-audit-trail.query';

/** R20: verification of consent's audit trail of PII reads (the ledger has its own, ledger-anchors). */
@Module({
  controllers: [ConsentAuditTrailController],
  providers: [VerifyConsentAuditTrail],
})
export class AuditTrailModule {}
