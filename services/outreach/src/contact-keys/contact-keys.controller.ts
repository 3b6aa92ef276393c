import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles, type Actor } from '@siyu/auth';
import { ResealContactPoints } from './reseal-contact-points.use-case';
import { ResealReportResponse } from './reseal.response';

/** Contact key rotation (ADR 0003): after a new key goes first in CONTACT_KEYS, re-seal what is stored. */
@ApiTags('outreach: contact keys')
@Controller('api/v1/outreach/contact-keys')
@Roles('admin', 'privacy_officer')
export class ContactKeysController {
  constructor(private readonly reseal: ResealContactPoints) {}

  @Post('reseal')
  @ApiOkResponse({ type: ResealReportResponse, description: 'Counts only, idempotent' })
  @HttpCode(200)
  run(@CurrentActor() actor: Actor) {
    return this.reseal.execute(actor.id);
  }
}
