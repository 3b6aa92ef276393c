import { Controller, Get, Headers } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import { AuditChainsResponse } from './audit-chains.response';
import { VerifyAuditChains } from './verify-audit-chains.query';

/** R20: the privacy officer's one verification over the consent ledger and every audit chain. */
@ApiTags('privacy: audit')
@ApiBearerAuth()
@Controller('api/v1/privacy/audit-chains')
export class AuditChainsController {
  constructor(private readonly verifyChains: VerifyAuditChains) {}

  @Get()
  @ApiOkResponse({
    type: AuditChainsResponse,
    description: 'Per chain: intact, broken (with the first broken seq) or unreachable',
  })
  @Roles('privacy_officer', 'admin')
  verify(@Headers('authorization') authorization: string): Promise<AuditChainsResponse> {
    return this.verifyChains.execute(authorization);
  }
}
