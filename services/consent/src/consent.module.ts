import {
  Inject,
  MiddlewareConsumer,
  Module,
  type DynamicModule,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ServiceMessaging } from '@siyu/messaging';
import { serviceReadiness } from '@siyu/observability';
import { ConsentSettingsModule } from './consent-settings.module';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from './consent.options';
import { PublicPageRateLimit } from './customer-pages/public-page-rate-limit';
import { defaultNotice } from './notices/notice';
import { NoticeRepository } from './notices/notice.repository';
import { PreferencesController } from './preferences/preferences.controller';
import { QrConsentController } from './qr-consent/qr-consent.controller';
import { WechatOAuthController } from './qr-consent/wechat-oauth.controller';
import { WatermarkPublisher } from './watermark/watermark.publisher';
import { UnsubscribeController } from './withdrawal/unsubscribe.controller';
import { NoticesModule } from './notices/notices.module';
import { SubjectsModule } from './subjects/subjects.module';
import { LedgerModule } from './ledger/ledger.module';
import { CustomerPagesModule } from './customer-pages/customer-pages.module';
import { WithdrawalModule } from './withdrawal/withdrawal.module';
import { ExpiryModule } from './expiry/expiry.module';
import { WechatModule } from './wechat/wechat.module';
import { GrantsModule } from './grants/grants.module';
import { SandboxSmsModule } from './sandbox-sms/sandbox-sms.module';
import { QrConsentModule } from './qr-consent/qr-consent.module';
import { PreferencesModule } from './preferences/preferences.module';
import { MembershipModule } from './membership/membership.module';
import { SmsVendorsModule } from './sms-vendors/sms-vendors.module';
import { LedgerAnchorsModule } from './ledger-anchors/ledger-anchors.module';
import { LedgerApiModule } from './ledger-api/ledger-api.module';
import { ProofRetentionModule } from './proof-retention/proof-retention.module';
import { ContactKeysModule } from './contact-keys/contact-keys.module';
import { DataSubjectRequestsModule } from './data-subject-requests/data-subject-requests.module';
import { MarketingStatisticsModule } from './marketing-statistics/marketing-statistics.module';
import { RequesterVerificationModule } from './requester-verification/requester-verification.module';
import { SmsOptOutReceiptsModule } from './withdrawal/sms-opt-out-receipts.module';
import { RightsRequestsModule } from './rights-requests/rights-requests.module';
import { WecomDoorModule } from './wecom-door/wecom-door.module';
import { AuditTrailModule } from './audit-trail/audit-trail.module';

/**
 * The consent service: one module per feature folder (each exporting only what others use); this
 * one adds what belongs to the running service: readiness, the watermark heartbeat, the per-IP limit
 * on customer pages, and the first notice.
 */
@Module({})
export class ConsentModule implements NestModule, OnApplicationBootstrap, OnApplicationShutdown {
  static register(options: ConsentModuleOptions): DynamicModule {
    return {
      module: ConsentModule,
      imports: [
        ConsentSettingsModule.register(options),
        NoticesModule,
        SubjectsModule,
        LedgerModule,
        CustomerPagesModule,
        WithdrawalModule,
        ExpiryModule,
        WechatModule,
        GrantsModule,
        SandboxSmsModule,
        QrConsentModule,
        PreferencesModule,
        MembershipModule,
        SmsVendorsModule,
        LedgerAnchorsModule,
        LedgerApiModule,
        ProofRetentionModule,
        ContactKeysModule,
        DataSubjectRequestsModule,
        MarketingStatisticsModule,
        RequesterVerificationModule,
        SmsOptOutReceiptsModule,
        RightsRequestsModule,
        WecomDoorModule,
        AuditTrailModule,
      ],
      providers: [
        ...serviceReadiness({ service: 'consent', db: CONSENT_DB, transport: options.transport }),
        WatermarkPublisher,
        PublicPageRateLimit,
      ],
    };
  }

  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly messaging: ServiceMessaging,
    private readonly watermark: WatermarkPublisher,
    private readonly notices: NoticeRepository,
  ) {}

  /** Per-IP limit on every public customer page (/q, /u, /p). */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(PublicPageRateLimit)
      .forRoutes(QrConsentController, WechatOAuthController, UnsubscribeController, PreferencesController);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { brand } = this.options;
    if (!(await this.notices.findCurrent(this.ds.manager, brand.id))) {
      await this.ds.transaction((tx) =>
        this.notices.insertNextVersion(tx, brand.id, 'zh-CN', defaultNotice(brand.name, brand.contact)),
      );
    }
    await this.messaging.start();
    this.watermark.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.watermark.stop();
    await this.messaging.stop();
    await this.ds.destroy();
  }
}
