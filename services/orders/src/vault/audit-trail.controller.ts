import { Controller, Get, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { verifyAuditTrail } from '@siyu/audit';
import { Roles } from '@siyu/auth';
import { ORDERS_DB } from '../orders.options';

export interface AuditVerdict {
  intact: boolean;
  entries: number;
  /** The first entry whose hash does not follow from its body and predecessor (R20). */
  brokenSeq?: string;
}

@Controller('api/v1/orders/audit')
export class AuditTrailController {
  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  @Get('verify')
  @Roles('privacy_officer', 'admin')
  async verify(): Promise<AuditVerdict> {
    const { intact, entries, brokenSeq } = await verifyAuditTrail(this.ds.manager);
    return brokenSeq === undefined ? { intact, entries } : { intact, entries, brokenSeq };
  }
}
