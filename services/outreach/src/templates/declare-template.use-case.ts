import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import type { DeclareTemplateRequest } from './declare-template.request';
import { checkTemplate } from './template-rules';
import { TemplateRepository, type SmsTemplate } from './template.repository';
import { TemplateError, TemplateErrorCode } from './templates.errors';

/**
 * Records by hand a template the vendor approved (the sandbox has no vendor console). Unlike a
 * sync, which records the vendor's truth with its problems, a declared template with a problem is
 * refused at once, each problem named.
 */
@Injectable()
export class DeclareTemplate {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly templates: TemplateRepository,
  ) {}

  async execute(request: DeclareTemplateRequest): Promise<SmsTemplate> {
    const { variables, problems } = checkTemplate(request, request.variableNames);
    if (problems.length > 0)
      throw new TemplateError(TemplateErrorCode.REFUSED, problems.join('; '), { problems });
    return this.ds.transaction((tx) =>
      this.templates.upsert(tx, {
        brandId: this.options.brand.id,
        vendor: request.vendor,
        signName: request.signName,
        templateCode: request.templateCode,
        name: request.name,
        content: request.content,
        kind: request.kind,
        vendorStatus: 'approved',
        variables,
        problems,
        source: 'declared',
      }),
    );
  }
}
