import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { verifyAuditTrail } from '@siyu/audit';
import { ORDERS_DB } from '../orders.options';
import type { AuditVerdict } from './vault.response';

/** Whether orders' hash-chained audit trail of PII reads is intact, and where it breaks if not (R20). */
@Injectable()
export class VerifyAuditTrail {
  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  async execute(): Promise<AuditVerdict> {
    const { intact, entries, brokenSeq } = await verifyAuditTrail(this.ds.manager);
    return brokenSeq === undefined ? { intact, entries } : { intact, entries, brokenSeq };
  }
}
