import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { RunRepository, type CampaignRun } from '../runs/run.repository';
import { SendRepository } from '../runs/send.repository';
import { EstimateSms } from '../templates/estimate-sms';
import { TemplateRepository } from '../templates/template.repository';
import {
  toCampaignResponse,
  toRunResponse,
  toSendResponse,
  type CampaignResponse,
  type RunResponse,
  type SendResponse,
} from './campaign.response';
import { CampaignRepository, type Campaign } from './campaign.repository';
import { CampaignError, CampaignErrorCode } from './campaigns.errors';
import type { ListSendsQuery } from './list-sends.request';

/** The read side the controllers need, brand-scoped, with precise 404s. */
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

  /** The brand's newest campaigns (at most `limit`). */
  async list(limit = 200): Promise<CampaignResponse[]> {
    return (await this.campaigns.list(this.ds.manager, this.options.brand.id, limit)).map((c) =>
      toCampaignResponse(c),
    );
  }

  /** One campaign's runs; 404 when the campaign is not the brand's. */
  async runsOf(campaignId: string): Promise<RunResponse[]> {
    await this.campaign(campaignId);
    return (await this.runs.listForCampaign(this.ds.manager, campaignId)).map((r) => toRunResponse(r));
  }

  /** One run with its results (targeted, blocked by reason, submitted, delivered, …). */
  async runWithResults(runId: string): Promise<RunResponse> {
    const run = await this.run(runId);
    return toRunResponse(run, await this.runs.results(this.ds.manager, run.id));
  }

  /** One page of a run's sends. */
  async sendsOf(runId: string, query: ListSendsQuery): Promise<SendResponse[]> {
    await this.run(runId);
    return (await this.sends.list(this.ds.manager, runId, { ...query, limit: query.limit ?? 100 })).map(
      toSendResponse,
    );
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
