import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AuditEntries,
  AuditEntriesPageResponse,
  ListAuditEntriesQuery,
  VerifyAuditTrailQuery,
} from '@siyu/audit';
import { Roles } from '@siyu/auth';
import { VerifyAuditTrail } from './verify-audit-trail.query';
import { AuditVerdict } from './vault.response';

@ApiTags('orders: audit')
@Controller('api/v1/orders/audit')
export class AuditTrailController {
  constructor(
    private readonly auditTrail: VerifyAuditTrail,
    private readonly auditEntries: AuditEntries,
  ) {}

  @Get('verify')
  @ApiOkResponse({ type: AuditVerdict })
  // auditor: privacy's scheduled verification with its machine key (R20)
  @Roles('privacy_officer', 'admin', 'auditor')
  verify(@Query() known: VerifyAuditTrailQuery): Promise<AuditVerdict> {
    return this.auditTrail.execute(known);
  }

  /** Issue 12: the privacy officer browses who read what and why (field names, never values). */
  @Get('entries')
  @ApiOkResponse({ type: AuditEntriesPageResponse, description: 'Newest first; nextBefore pages older' })
  @Roles('privacy_officer', 'admin')
  entries(@Query() query: ListAuditEntriesQuery): Promise<AuditEntriesPageResponse> {
    return this.auditEntries.list(query);
  }
}
