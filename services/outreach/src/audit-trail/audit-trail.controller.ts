import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AuditEntries,
  AuditEntriesPageResponse,
  ListAuditEntriesQuery,
  AuditTrailVerdictResponse,
  VerifyAuditTrailQuery,
} from '@siyu/audit';
import { Roles } from '@siyu/auth';
import { VerifyOutreachAuditTrail } from './verify-audit-trail.query';

/** R20: the privacy officer checks outreach's audit chain here (privacy's /audit-chains asks every service). */
@ApiTags('outreach: audit')
@ApiBearerAuth()
@Controller('api/v1/outreach/audit')
export class OutreachAuditTrailController {
  constructor(
    private readonly auditTrail: VerifyOutreachAuditTrail,
    private readonly auditEntries: AuditEntries,
  ) {}

  @Get('verify')
  @ApiOkResponse({ type: AuditTrailVerdictResponse, description: 'The first broken entry, if any' })
  // auditor: privacy's scheduled verification with its machine key (R20)
  @Roles('privacy_officer', 'admin', 'auditor')
  verify(@Query() known: VerifyAuditTrailQuery): Promise<AuditTrailVerdictResponse> {
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
