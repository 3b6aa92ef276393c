import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditTrailVerdictResponse, VerifyAuditTrailQuery } from '@siyu/audit';
import { Roles } from '@siyu/auth';
import { VerifyOutreachAuditTrail } from './verify-audit-trail.query';

/** R20: the privacy officer checks outreach's audit chain here (privacy's /audit-chains asks every service). */
@ApiTags('outreach: audit')
@ApiBearerAuth()
@Controller('api/v1/outreach/audit')
export class OutreachAuditTrailController {
  constructor(private readonly auditTrail: VerifyOutreachAuditTrail) {}

  @Get('verify')
  @ApiOkResponse({ type: AuditTrailVerdictResponse, description: 'The first broken entry, if any' })
  // auditor: privacy's scheduled verification with its machine key (R20)
  @Roles('privacy_officer', 'admin', 'auditor')
  verify(@Query() known: VerifyAuditTrailQuery): Promise<AuditTrailVerdictResponse> {
    return this.auditTrail.execute(known);
  }
}
