import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { RunRepository, type CampaignRun } from '../runs/run.repository';
import { SendRepository } from '../runs/send.repository';
import { EstimateSms } from '../templates/estimate-sms';
import { TemplateRepository } from '../templates/template.repository';
import { toCampaignResponse, type CampaignResponse } from './campaign.response';
import { CampaignRepository, type Campaign } from './campaign.repository';
import { CampaignError, CampaignErrorCode } from './campaigns.errors';

/** The read side the controller needs, brand-scoped, with precise 404s. */
@Injectable()
export class CampaignReads {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    readonly campaigns: CampaignRepository,
    readonly runs: RunRepository,
    readonly sends: SendRepository,
    private readonly templates: TemplateRepository,
    private readonly estimates: EstimateSms,
  ) {}

  async campaign(id: string): Promise<Campaign> {
    const c = await this.campaigns.find(this.ds.manager, this.options.brand.id, id);
    if (!c) throw new CampaignError(CampaignErrorCode.NOT_FOUND, `campaign ${id} not found`);
    return c;
  }

  async run(runId: string): Promise<CampaignRun> {
    const run = await this.runs.find(this.ds.manager, runId);
    if (!run || !(await this.campaigns.find(this.ds.manager, this.options.brand.id, run.campaignId)))
      throw new CampaignError(CampaignErrorCode.RUN_NOT_FOUND, `run ${runId} not found`);
    return run;
  }

  async withEstimate(c: Campaign): Promise<CampaignResponse> {
    const t = c.templateId
      ? await this.templates.find(this.ds.manager, this.options.brand.id, c.templateId)
      : null;
    return toCampaignResponse(
      c,
      t ? this.estimates.estimate(t, c.variants[0].variables, c.channel, c.purpose) : undefined,
    );
  }
}
