import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@siyu/auth';
import { PurgeReportResponse } from './purge.response';
import { Roles } from '@siyu/auth';
import { PurgeProofRequest } from './purge-proof.request';
import { PurgeExpiredProof } from './purge-expired-proof.use-case';

/** R20 retention: the privacy officer runs the purge (or a dry run) by hand; the job runs it daily. */
@ApiTags('consent: ledger')
@Controller('api/v1/consent/ledger/purge')
@Roles('privacy_officer', 'admin')
export class ProofRetentionController {
  constructor(private readonly purge: PurgeExpiredProof) {}

  @Post()
  @ApiBody({
    type: PurgeProofRequest,
    required: false,
    description: 'Without a body: a real purge, as the daily job runs it',
  })
  @ApiOkResponse({ type: PurgeReportResponse, description: 'Counts only' })
  @ApiErrors({ 500: ['PROOF_RETENTION_BELOW_MINIMUM', 'PROOF_RETENTION_INVALID'] })
  @HttpCode(200)
  run(@Body() { dryRun }: PurgeProofRequest) {
    return this.purge.execute({ dryRun: dryRun ?? false });
  }
}
