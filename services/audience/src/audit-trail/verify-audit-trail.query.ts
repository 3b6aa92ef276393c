import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { auditTrailVerdict, type AuditTrailVerdictResponse } from '@siyu/audit';
import { AUDIENCE_DB } from '../audience.options';

/** Whether audience's hash-chained audit trail is intact, and where it breaks if not (R20). */
@Injectable()
export class VerifyAudienceAuditTrail {
  constructor(@Inject(AUDIENCE_DB) private readonly ds: DataSource) {}

  execute(): Promise<AuditTrailVerdictResponse> {
    return auditTrailVerdict(this.ds.manager);
  }
}
