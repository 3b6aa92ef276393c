import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { CurrentActor, Roles, type Actor } from '@siyu/auth';
import { GetPlatformAgreement } from './get-platform-agreement.query';
import type { PlatformAgreement } from './platform-agreement';
import type { ReleaseRefusal } from './platform-agreement.repository';
import { PlatformAgreementRequest, ShopAgreementParams } from './platform-agreement.request';
import { SetPlatformAgreement, type PlatformAgreementChange } from './set-platform-agreement.use-case';

/** R8: which purposes each shop's platform agreement allows, and what it refused. */
@Controller('api/v1/shops/:platform/:shopId/agreement')
export class AgreementsController {
  constructor(
    private readonly setAgreement: SetPlatformAgreement,
    private readonly getAgreement: GetPlatformAgreement,
  ) {}

  @Put()
  @Roles('ops', 'privacy_officer', 'admin')
  set(
    @Param() params: ShopAgreementParams,
    @Body() body: PlatformAgreementRequest,
    @CurrentActor() actor: Actor,
  ): Promise<PlatformAgreementChange> {
    return this.setAgreement.execute({ actorId: actor.id, ...params, ...body });
  }

  @Get()
  @Roles('ops', 'privacy_officer', 'admin')
  get(@Param() params: ShopAgreementParams): Promise<PlatformAgreement> {
    return this.getAgreement.execute(params.platform, params.shopId);
  }

  /** The latest releases refused under this agreement (newest first, at most 100), with reasons. */
  @Get('refusals')
  @Roles('ops', 'privacy_officer', 'admin')
  refusals(@Param() params: ShopAgreementParams): Promise<{ refusals: ReleaseRefusal[] }> {
    return this.getAgreement.refusals(params.platform, params.shopId);
  }
}
