import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { EstimateSms } from './estimate-sms';
import { toTemplateResponse, type SmsEstimateResponse, type TemplateResponse } from './template.response';
import { TemplateRepository } from './template.repository';
import { TemplateError, TemplateErrorCode } from './templates.errors';

/** The brand's templates, and what a message from one would cost (parts, estimate). */
@Injectable()
export class TemplateReads {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly templates: TemplateRepository,
    private readonly estimates: EstimateSms,
  ) {}

  async list(): Promise<TemplateResponse[]> {
    return (await this.templates.list(this.ds.manager, this.options.brand.id)).map(toTemplateResponse);
  }

  async preview(id: string, variables: Record<string, string>): Promise<SmsEstimateResponse> {
    const t = await this.templates.find(this.ds.manager, this.options.brand.id, id);
    if (!t) throw new TemplateError(TemplateErrorCode.NOT_FOUND, `template ${id} not found`);
    return this.estimates.estimate(t, variables, 'sms', 'marketing_messages');
  }
}
