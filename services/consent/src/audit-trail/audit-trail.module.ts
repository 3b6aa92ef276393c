import { Module } from '@nestjs/common';
import { auditAnchorProviders } from '@siyu/audit';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentAuditTrailController } from './audit-trail.controller';
import { VerifyConsentAuditTrail } from './verify-audit-trail.query';

/** R20: verification of consent's audit trail of PII reads (the ledger has its own, ledger-anchors). */
@Module({
  controllers: [ConsentAuditTrailController],
  providers: [
    VerifyConsentAuditTrail,
    ...auditAnchorProviders<ConsentModuleOptions>({
      service: 'consent',
      options: CONSENT_OPTIONS,
      db: CONSENT_DB,
      env: (o) => o.env,
    }),
  ],
})
export class AuditTrailModule {}
