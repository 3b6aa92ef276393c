import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { OFFER_VARIABLES, UNSUBSCRIBE_VARIABLE } from '../templates/template-rules';
import { TemplateRepository, type SmsTemplate } from '../templates/template.repository';
import { cronProblem } from './campaign-schedule';
import {
  CampaignRepository,
  type Campaign,
  type CampaignSchedule,
  type PlatformMessage,
} from './campaign.repository';
import { CampaignError, CampaignErrorCode } from './campaigns.errors';
import type { CreateCampaignRequest } from './create-campaign.request';

// A value that looks like a mainland mobile number, an e-mail or an ID number is PII (R16).
const PII_VALUE = /(?<!\d)1[3-9]\d{9}(?!\d)|@[A-Za-z0-9-]+\.|(?<!\d)\d{17}[\dXx](?!\d)/;

/**
 * A campaign in `draft`: a vendor-approved template fit for its purpose, one value per variable
 * for each content variant, and the same offer for every recipient (R13).
 */
@Injectable()
export class CreateCampaign {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly campaigns: CampaignRepository,
    private readonly templates: TemplateRepository,
  ) {}

  async execute(request: CreateCampaignRequest, actorId: string): Promise<Campaign> {
    return this.ds.transaction(async (tx) => {
      let templateId: string | null = null;
      let message: PlatformMessage | null = null;
      if (request.channel === 'sms') {
        const template = await this.templates.find(tx, this.options.brand.id, request.templateId!);
        if (!template)
          throw new CampaignError(
            CampaignErrorCode.TEMPLATE_NOT_USABLE,
            `template ${request.templateId} not found`,
          );
        this.checkTemplateFits(template, request);
        this.checkVariants(template, request);
        templateId = template.id;
      } else message = this.platformMessage(request);
      const segment = await this.campaigns.segmentPurposeAndChannel(tx, request.segmentId);
      if (segment && (segment.purpose !== request.purpose || segment.channel !== request.channel))
        throw new CampaignError(
          CampaignErrorCode.SEGMENT_MISMATCH,
          `segment ${request.segmentId} selects members for ${segment.purpose} on ${segment.channel}, ` +
            `the campaign is for ${request.purpose} on ${request.channel}`,
        );
      const quietHours =
        request.quietHours ??
        (request.purpose === 'marketing_messages' ? { start: '08:00', end: '21:00' } : null);
      if (quietHours && quietHours.start >= quietHours.end)
        throw new CampaignError(
          CampaignErrorCode.SCHEDULE_INVALID,
          `quietHours: the sending window ${quietHours.start}–${quietHours.end} must start before it ends`,
        );
      return this.campaigns.create(tx, {
        brandId: this.options.brand.id,
        name: request.name,
        segmentId: request.segmentId,
        purpose: request.purpose,
        channel: request.channel,
        templateId,
        message,
        variants: request.variants.map((v) => ({ name: v.name, variables: v.variables })),
        schedule: this.schedule(request),
        caps: { ...(request.caps?.maxRecipients ? { maxRecipients: request.caps.maxRecipients } : {}) },
        quietHours,
        createdBy: actorId,
      });
    });
  }

  /**
   * WeCom / WeChat: one message for every recipient (R13: no variables, so no offer can differ);
   * no value may look like personal information; marketing over WeCom carries the per-recipient
   * unsubscribe link (R9; WeChat's way out is the subscription itself and the account's menu).
   */
  private platformMessage(r: CreateCampaignRequest): PlatformMessage {
    const problems: string[] = [];
    if (r.templateId !== undefined) problems.push(`templateId: ${r.channel} campaigns have no SMS template`);
    r.variants.forEach((v, i) => {
      if (Object.keys(v.variables ?? {}).length > 0)
        problems.push(`variants[${i}].variables: ${r.channel} campaigns send one message, without variables`);
    });
    let message: PlatformMessage;
    if (r.channel === 'wecom') {
      if (r.wechat) problems.push('wechat: a WeCom campaign takes "wecom"');
      const text = r.wecom!.text;
      if (PII_VALUE.test(text)) problems.push('wecom.text looks like it holds personal information (R16)');
      if (r.purpose === 'marketing_messages' && !text.includes(`\${${UNSUBSCRIBE_VARIABLE}}`))
        problems.push(`wecom.text lacks \${${UNSUBSCRIBE_VARIABLE}}: marketing carries a way out (R9)`);
      message = { kind: 'wecom', text };
    } else {
      if (r.wecom) problems.push('wecom: a WeChat campaign takes "wechat"');
      const w = r.wechat!;
      for (const [k, v] of Object.entries(w.data)) {
        if (!/^[a-z_]+\d+$/.test(k))
          problems.push(`wechat.data.${k} is not a template keyword (thing1, time2, …)`);
        else if (typeof v !== 'string' || v.length === 0 || v.length > 100)
          problems.push(`wechat.data.${k} must be text of 1–100 characters`);
        else if (PII_VALUE.test(v)) problems.push(`wechat.data.${k} looks like personal information (R16)`);
      }
      message = {
        kind: 'wechat',
        templateId: w.templateId,
        data: w.data,
        ...(w.page ? { page: w.page } : {}),
      };
    }
    if (problems.length > 0)
      throw new CampaignError(CampaignErrorCode.VARIABLES_INVALID, problems.join('; '), { problems });
    return message;
  }

  private checkTemplateFits(t: SmsTemplate, r: CreateCampaignRequest): void {
    const problems = [...t.problems];
    if (t.vendorStatus !== 'approved') problems.push(`the vendor lists it as ${t.vendorStatus}`);
    if (r.purpose === 'marketing_messages' && t.kind !== 'marketing')
      problems.push(`a ${t.kind} template cannot carry marketing (vendors and carriers refuse it)`);
    if (problems.length > 0)
      throw new CampaignError(
        CampaignErrorCode.TEMPLATE_NOT_USABLE,
        `template ${t.templateCode} (${t.vendor}) cannot be used: ${problems.join('; ')}`,
        { problems },
      );
  }

  private checkVariants(t: SmsTemplate, r: CreateCampaignRequest): void {
    const needed = t.variables.filter((v) => v !== UNSUBSCRIBE_VARIABLE);
    const problems: string[] = [];
    const names = new Set<string>();
    r.variants.forEach((variant, i) => {
      if (names.has(variant.name)) problems.push(`variants[${i}].name "${variant.name}" is used twice`);
      names.add(variant.name);
      for (const v of needed)
        if (typeof variant.variables[v] !== 'string' || variant.variables[v].length === 0)
          problems.push(`variants[${i}].variables.${v} is missing`);
      for (const [k, value] of Object.entries(variant.variables)) {
        if (k === UNSUBSCRIBE_VARIABLE)
          problems.push(`variants[${i}].variables.${k} is filled per recipient`);
        else if (!needed.includes(k))
          problems.push(`variants[${i}].variables.${k} is not a variable of the template`);
        else if (typeof value !== 'string' || value.length > 100)
          problems.push(`variants[${i}].variables.${k} must be text of at most 100 characters`);
        else if (PII_VALUE.test(value))
          problems.push(`variants[${i}].variables.${k} looks like personal information (R16)`);
      }
    });
    if (problems.length > 0)
      throw new CampaignError(CampaignErrorCode.VARIABLES_INVALID, problems.join('; '), { problems });
    // R13: variants differ by wording only; an offer or a price is the same for every recipient.
    for (const v of OFFER_VARIABLES.filter((o) => needed.includes(o))) {
      const values = new Set(r.variants.map((variant) => variant.variables[v]));
      if (values.size > 1)
        throw new CampaignError(
          CampaignErrorCode.OFFER_DIFFERS,
          `variants give different values for the offer variable "${v}" (${[...values].join(' / ')}): ` +
            'one campaign makes one offer to all its recipients (R13); vary the wording only',
        );
    }
  }

  private schedule(r: CreateCampaignRequest): CampaignSchedule {
    const s = r.schedule;
    if (s.kind === 'now') return { kind: 'now' };
    if (s.kind === 'at') {
      if (Date.parse(s.at!) <= Date.now())
        throw new CampaignError(CampaignErrorCode.SCHEDULE_INVALID, `schedule.at ${s.at} is in the past`);
      return { kind: 'at', at: new Date(s.at!).toISOString() };
    }
    const timeZone = s.timeZone ?? this.options.timeZone ?? 'Asia/Shanghai';
    const problem = cronProblem(s.cron!, timeZone);
    if (problem) throw new CampaignError(CampaignErrorCode.SCHEDULE_INVALID, problem);
    return { kind: 'cron', cron: s.cron!, timeZone };
  }
}
