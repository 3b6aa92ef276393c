import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { VerifyAuditTrailQuery } from '@siyu/audit';
import { Roles } from '@siyu/auth';
import { VerifyAuditTrail } from './verify-audit-trail.query';
import { AuditVerdict } from './vault.response';

@ApiTags('orders: audit')
@Controller('api/v1/orders/audit')
export class AuditTrailController {
  constructor(private readonly auditTrail: VerifyAuditTrail) {}

  @Get('verify')
  @ApiOkResponse({ type: AuditVerdict })
  // auditor: privacy's scheduled verification with its machine key (R20)
  @Roles('privacy_officer', 'admin', 'auditor')
  verify(@Query() known: VerifyAuditTrailQuery): Promise<AuditVerdict> {
    return this.auditTrail.execute(known);
  }
}
