import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SmsChannels } from '../channels/sms-channels';
import type { SmsVendor } from '../channels/sms-vendor.channel';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { checkTemplate } from './template-rules';
import { TemplateRepository } from './template.repository';
import { TemplateError, TemplateErrorCode } from './templates.errors';

export interface TemplateSyncReport {
  vendor: SmsVendor;
  listed: number;
  usable: number;
  markedRejected: number;
}

/**
 * Mirrors the vendor's approved templates (Aliyun QuerySmsTemplateList, Tencent
 * DescribeSmsTemplateList) under the brand's sign name. A template that breaks a rule is still
 * recorded — it is the vendor's truth — with its problems, so a campaign using it is refused.
 */
@Injectable()
export class SyncTemplates {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly channels: SmsChannels,
    private readonly templates: TemplateRepository,
  ) {}

  async execute(vendor: SmsVendor): Promise<TemplateSyncReport> {
    const channel = this.channels.get(vendor);
    if (!channel)
      throw new TemplateError(
        TemplateErrorCode.VENDOR_NOT_CONFIGURED,
        `no ${vendor} SMS channel is configured (configured: ${this.channels.vendors().join(', ')})`,
      );
    let listed;
    try {
      listed = await channel.listTemplates();
    } catch (err) {
      throw new TemplateError(
        TemplateErrorCode.SYNC_FAILED,
        `${vendor} template list failed: ${(err as Error).message}`,
      );
    }
    const signName = this.options.brand.signature;
    return this.ds.transaction(async (tx) => {
      let usable = 0;
      for (const t of listed) {
        const { variables, problems } = checkTemplate({ ...t, vendor, signName });
        if (problems.length === 0 && t.status === 'approved') usable++;
        await this.templates.upsert(tx, {
          brandId: this.options.brand.id,
          vendor,
          signName,
          templateCode: t.templateCode,
          name: t.name,
          content: t.content,
          kind: t.kind,
          vendorStatus: t.status,
          variables,
          problems,
          source: 'synced',
        });
      }
      const markedRejected = await this.templates.markUnlistedRejected(
        tx,
        this.options.brand.id,
        vendor,
        listed.map((t) => t.templateCode),
      );
      return { vendor, listed: listed.length, usable, markedRejected };
    });
  }
}
