import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { auditTrailVerdict, type AuditTrailVerdictResponse } from '@siyu/audit';
import { PRIVACY_DB } from '../privacy.options';

/** Whether privacy's hash-chained audit trail is intact, and where it breaks if not (R20). */
@Injectable()
export class VerifyPrivacyAuditTrail {
  constructor(@Inject(PRIVACY_DB) private readonly ds: DataSource) {}

  execute(): Promise<AuditTrailVerdictResponse> {
    return auditTrailVerdict(this.ds.manager);
  }
}
