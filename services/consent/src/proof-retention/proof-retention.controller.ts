import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Roles } from '@siyu/auth';
import { PurgeProofRequest } from './purge-proof.request';
import { PurgeExpiredProof } from './purge-expired-proof.use-case';

/** R20 retention: the privacy officer runs the purge (or a dry run) by hand; the job runs it daily. */
@Controller('api/v1/consent/ledger/purge')
@Roles('privacy_officer', 'admin')
export class ProofRetentionController {
  constructor(private readonly purge: PurgeExpiredProof) {}

  @Post()
  @HttpCode(200)
  run(@Body() { dryRun }: PurgeProofRequest) {
    return this.purge.execute({ dryRun: dryRun ?? false });
  }
}
