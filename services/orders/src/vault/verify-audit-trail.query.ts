import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuditAnchors, auditTrailVerdict, type VerifyAuditTrailQuery } from '@siyu/audit';
import { ORDERS_DB } from '../orders.options';
import type { AuditVerdict } from './vault.response';

/** Whether orders' hash-chained audit trail of PII reads is intact, and where it breaks if not (R20). */
@Injectable()
export class VerifyAuditTrail {
  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly anchors: AuditAnchors,
  ) {}

  execute(known: VerifyAuditTrailQuery = {}): Promise<AuditVerdict> {
    return this.ds.transaction('REPEATABLE READ', (tx) =>
      auditTrailVerdict(tx, { seq: known.knownSeq, hash: known.knownHash }, this.anchors),
    );
  }
}
