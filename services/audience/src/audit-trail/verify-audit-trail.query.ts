import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  AuditAnchors,
  auditTrailVerdict,
  type AuditTrailVerdictResponse,
  type VerifyAuditTrailQuery,
} from '@siyu/audit';
import { AUDIENCE_DB } from '../audience.options';

/** Whether audience's hash-chained audit trail is intact, and where it breaks if not (R20). */
@Injectable()
export class VerifyAudienceAuditTrail {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    private readonly anchors: AuditAnchors,
  ) {}

  execute(known: VerifyAuditTrailQuery = {}): Promise<AuditTrailVerdictResponse> {
    return this.ds.transaction('REPEATABLE READ', (tx) =>
      auditTrailVerdict(tx, { seq: known.knownSeq, hash: known.knownHash }, this.anchors),
    );
  }
}
