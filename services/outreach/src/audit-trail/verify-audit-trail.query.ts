import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { auditTrailVerdict, type AuditTrailVerdictResponse } from '@siyu/audit';
import { OUTREACH_DB } from '../outreach.options';

/** Whether outreach's hash-chained audit trail is intact, and where it breaks if not (R20). */
@Injectable()
export class VerifyOutreachAuditTrail {
  constructor(@Inject(OUTREACH_DB) private readonly ds: DataSource) {}

  execute(): Promise<AuditTrailVerdictResponse> {
    return auditTrailVerdict(this.ds.manager);
  }
}
