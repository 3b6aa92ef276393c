import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
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
  verify(@Req() req: Request): Promise<AuditChainsResponse> {
    // The officer's own bearer token is forwarded to each verifier. Read from the request rather
    // than @Headers() so the description does not list `authorization` as a parameter of its own
    // (the bearer scheme already says it; the console's typed client would otherwise demand it).
    return this.verifyChains.execute(req.headers.authorization ?? '');
  }
}
