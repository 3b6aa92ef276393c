import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { CampaignRepository, type Campaign } from './campaign.repository';
import { CampaignError, CampaignErrorCode } from './campaigns.errors';
import type { CreateCampaignRequest } from './create-campaign.request';

@Injectable()
export class CreateCampaign {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly campaigns: CampaignRepository,
  ) {}

  async execute(request: CreateCampaignRequest, actorId: string): Promise<Campaign> {
    // The signature and the opt-out are added by us on every message; a body faking them is refused.
    if (/[【】]/.test(request.body)) {
      throw new CampaignError(
        CampaignErrorCode.BODY_NOT_ALLOWED,
        'body must not contain 【】: the brand signature is added automatically',
      );
    }
    return this.ds.transaction((tx) =>
      this.campaigns.create(tx, { ...request, brandId: this.options.brand.id }, actorId),
    );
  }
}
