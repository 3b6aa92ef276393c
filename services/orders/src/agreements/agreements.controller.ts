import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { PLATFORMS } from '@siyu/contracts';
import { ApiErrors, CurrentActor, Roles, type Actor } from '@siyu/auth';
import {
  PlatformAgreementChangeResponse,
  PlatformAgreementResponse,
  ReleaseRefusalsResponse,
} from './agreement.response';
import { AGREEMENT_PURPOSES } from './platform-agreement';
import { GetPlatformAgreement } from './get-platform-agreement.query';
import type { PlatformAgreement } from './platform-agreement';
import type { ReleaseRefusal } from './platform-agreement.repository';
import { PlatformAgreementRequest, ShopAgreementParams } from './platform-agreement.request';
import { SetPlatformAgreement, type PlatformAgreementChange } from './set-platform-agreement.use-case';

/** R8: which purposes each shop's platform agreement allows, and what it refused. */
@ApiTags('orders: platform agreements')
@ApiParam({ name: 'platform', enum: PLATFORMS })
@ApiParam({ name: 'shopId', example: 'shop-1', description: '1-64 letters, digits, _ or -' })
@Controller('api/v1/shops/:platform/:shopId/agreement')
export class AgreementsController {
  constructor(
    private readonly setAgreement: SetPlatformAgreement,
    private readonly getAgreement: GetPlatformAgreement,
  ) {}

  @Put()
  @ApiBody({
    schema: {
      type: 'object',
      required: ['allowedPurposes'],
      properties: {
        allowedPurposes: { type: 'array', items: { type: 'string', enum: [...AGREEMENT_PURPOSES] } },
        agreementRef: {
          type: 'string',
          example: 'tmall-isv-2026-03',
          description: 'Required to allow a marketing purpose',
        },
      },
    },
  })
  @ApiOkResponse({ type: PlatformAgreementChangeResponse })
  @ApiErrors({ 422: ['AGREEMENT_REF_REQUIRED'] })
  @Roles('ops', 'privacy_officer', 'admin')
  set(
    @Param() params: ShopAgreementParams,
    @Body() body: PlatformAgreementRequest,
    @CurrentActor() actor: Actor,
  ): Promise<PlatformAgreementChange> {
    return this.setAgreement.execute({ actorId: actor.id, ...params, ...body });
  }

  @Get()
  @ApiOkResponse({ type: PlatformAgreementResponse })
  @Roles('ops', 'privacy_officer', 'admin')
  get(@Param() params: ShopAgreementParams): Promise<PlatformAgreement> {
    return this.getAgreement.execute(params.platform, params.shopId);
  }

  /** The latest releases refused under this agreement (newest first, at most 100), with reasons. */
  @Get('refusals')
  @ApiOkResponse({ type: ReleaseRefusalsResponse })
  @Roles('ops', 'privacy_officer', 'admin')
  refusals(@Param() params: ShopAgreementParams): Promise<{ refusals: ReleaseRefusal[] }> {
    return this.getAgreement.refusals(params.platform, params.shopId);
  }
}
