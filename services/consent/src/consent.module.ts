import {
  DynamicModule,
  Inject,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@siyu/contracts';
import { AuditTrail1763900000001 } from '@siyu/audit';
import { MessagingTables1763900000000, ServiceMessaging } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { ConsentKeys } from './consent.keys';
import { ContactKeysController } from './contact-keys/contact-keys.controller';
import { ResealContactPoints } from './contact-keys/reseal-contact-points.use-case';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from './consent.options';
import { LedgerRepository } from './ledger/ledger.repository';
import { RecordGrant } from './ledger/record-grant.use-case';
import { ConsentInitial1763900000100 } from './migrations/1763900000100-consent-initial';
import { defaultNotice } from './notices/notice';
import { NoticeRepository } from './notices/notice.repository';
import { NoticesController } from './notices/notices.controller';
import { PublishNotice } from './notices/publish-notice.use-case';
import { LedgerApiController } from './ledger-api/ledger-api.controller';
import { ConsentNoticesImmutable1763900000900 } from './migrations/1763900000900-consent-notices-immutable';
import { ChangePreferences } from './preferences/change-preferences.use-case';
import { ChangeTagCategories } from './preferences/change-tag-categories.use-case';
import { TagCategoryChoicesRepository } from './preferences/tag-category-choices.repository';
import { TagCategoryChoices1763900002300 } from './migrations/1763900002300-tag-category-choices';
import { PreferenceLinkController } from './preferences/preference-link.controller';
import { PreferencesController } from './preferences/preferences.controller';
import { PublicPageRateLimit } from './qr-consent/public-page-rate-limit';
import { GrantConsentByQr } from './qr-consent/grant-consent.use-case';
import { OtpRepository } from './qr-consent/otp.repository';
import { ParcelCardClaimRepository } from './qr-consent/parcel-card-claim.repository';
import { QrConsentController } from './qr-consent/qr-consent.controller';
import { RequestCode } from './qr-consent/request-code.use-case';
import { SandboxSmsSender } from './sandbox-sms/sandbox-sms.sender';
import { SubjectRepository } from './subjects/subject.repository';
import { WatermarkPublisher } from './watermark/watermark.publisher';
import { SmsReplyController } from './withdrawal/sms-reply.controller';
import { UnsubscribeController } from './withdrawal/unsubscribe.controller';
import { WithdrawConsent } from './withdrawal/withdraw-consent.use-case';
import { RecordSmsReply } from './withdrawal/record-sms-reply.use-case';
import { AnswerMembershipCall } from './membership/answer-membership-call.use-case';
import { JoinMembership } from './membership/join-membership.use-case';
import { LeaveMembership } from './membership/leave-membership.use-case';
import { MembershipRepository } from './membership/membership.repository';
import { MembershipShops } from './membership/membership-shops';
import { MembershipWebhookController } from './membership/membership-webhook.controller';
import { MembershipWebhooks1763900000800 } from './migrations/1763900000800-membership-webhooks';
import { SmsVendorReplies1763900000810 } from './migrations/1763900000810-sms-vendor-replies';
import { WechatEvents1763900000820 } from './migrations/1763900000820-wechat-events';
import { SmsVendorRepliesController } from './sms-vendors/sms-vendor-replies.controller';
import { SmsVendorTokens } from './sms-vendors/sms-vendor-tokens';
import { RecordWechatEvent } from './wechat/record-wechat-event.use-case';
import { WechatBindingRepository } from './wechat/wechat-binding.repository';
import { WechatCallbackController } from './wechat/wechat-callback.controller';
import { WechatSignature } from './wechat/wechat-signature';
import { ConsentExpiries1763900001200 } from './migrations/1763900001200-consent-expiries';
import { ConsentExpiryJob } from './expiry/consent-expiry.job';
import { ConsentExpiryRepository } from './expiry/consent-expiry.repository';
import { ExpireConsents } from './expiry/expire-consents.use-case';
import { GrantConsentByWechat } from './qr-consent/grant-consent-by-wechat.use-case';
import { WechatOAuthClient } from './qr-consent/wechat-oauth.client';
import { WechatOAuthController } from './qr-consent/wechat-oauth.controller';
import { LedgerEvidenceDigest1763900002200 } from './migrations/1763900002200-ledger-evidence-digest';
import { LedgerAnchors1763900002210 } from './migrations/1763900002210-ledger-anchors';
import { ParcelCardClaims1763900002310 } from './migrations/1763900002310-parcel-card-claims';
import { AnchorLedgerHead } from './ledger-anchors/anchor-ledger-head.use-case';
import { LedgerAnchorJob } from './ledger-anchors/ledger-anchor.job';
import { LedgerAnchorRepository } from './ledger-anchors/ledger-anchor.repository';
import { LedgerAnchorsController } from './ledger-anchors/ledger-anchors.controller';
import { LedgerVerifier } from './ledger-anchors/ledger-verifier';
import { ProofRetentionController } from './proof-retention/proof-retention.controller';
import { ProofRetentionJob } from './proof-retention/proof-retention.job';
import { PurgeExpiredProof } from './proof-retention/purge-expired-proof.use-case';
import { SubjectDataRepository } from './proof-retention/subject-data.repository';
import { serviceReadiness } from '@siyu/observability';
import { DATA_SUBJECT_REQUEST_PROVIDERS } from './data-subject-requests/data-subject-requests.consumer';
import { REQUESTER_VERIFICATION_PROVIDERS } from './requester-verification/requester-verification.consumer';
import { WITHDRAW_ALL_REQUEST_PROVIDERS } from './rights-requests/withdraw-all-requests.consumer';

@Module({})
export class ConsentModule implements NestModule, OnApplicationBootstrap, OnApplicationShutdown {
  static register(options: ConsentModuleOptions): DynamicModule {
    return {
      module: ConsentModule,
      controllers: [
        NoticesController,
        QrConsentController,
        WechatOAuthController,
        UnsubscribeController,
        SmsReplyController,
        SmsVendorRepliesController,
        MembershipWebhookController,
        WechatCallbackController,
        LedgerApiController,
        PreferencesController,
        PreferenceLinkController,
        LedgerAnchorsController,
        ProofRetentionController,
        ContactKeysController,
      ],
      providers: [
        ...serviceReadiness({ service: 'consent', db: CONSENT_DB, transport: options.transport }),
        { provide: CONSENT_OPTIONS, useValue: options },
        { provide: ConsentKeys, useValue: new ConsentKeys(options.env) },
        {
          provide: CONSENT_DB,
          useFactory: async () =>
            openServiceDataSource({
              database: await provisionServiceDatabase(options.adminDatabaseUrl, 'consent'),
              entities: [],
              migrations: [
                MessagingTables1763900000000,
                // The audit trail of PII reads (R16): contact key re-sealing opens stored values.
                AuditTrail1763900000001,
                ConsentInitial1763900000100,
                MembershipWebhooks1763900000800,
                SmsVendorReplies1763900000810,
                WechatEvents1763900000820,
                ConsentNoticesImmutable1763900000900,
                ConsentExpiries1763900001200,
                LedgerEvidenceDigest1763900002200,
                LedgerAnchors1763900002210,
                ParcelCardClaims1763900002310,
                TagCategoryChoices1763900002300,
              ],
            }),
        },
        {
          provide: ServiceMessaging,
          inject: [CONSENT_DB],
          useFactory: (ds: DataSource) =>
            new ServiceMessaging(ds, options.transport, {
              schema: 'consent',
              produces: [TOPICS.consentGranted, TOPICS.consentWithdrawn, TOPICS.tagCategoriesChanged],
              consumers: [],
            }),
        },
        NoticeRepository,
        LedgerRepository,
        RecordGrant,
        SubjectRepository,
        ResealContactPoints,
        OtpRepository,
        ParcelCardClaimRepository,
        SandboxSmsSender,
        PublishNotice,
        RequestCode,
        GrantConsentByQr,
        WithdrawConsent,
        RecordSmsReply,
        SmsVendorTokens,
        MembershipShops,
        MembershipRepository,
        JoinMembership,
        LeaveMembership,
        AnswerMembershipCall,
        WechatSignature,
        WechatBindingRepository,
        RecordWechatEvent,
        WatermarkPublisher,
        ChangePreferences,
        ChangeTagCategories,
        TagCategoryChoicesRepository,
        PublicPageRateLimit,
        WechatOAuthClient,
        GrantConsentByWechat,
        ConsentExpiryRepository,
        ExpireConsents,
        ConsentExpiryJob,
        LedgerAnchorRepository,
        AnchorLedgerHead,
        LedgerAnchorJob,
        LedgerVerifier,
        SubjectDataRepository,
        ...DATA_SUBJECT_REQUEST_PROVIDERS,
        ...REQUESTER_VERIFICATION_PROVIDERS,
        ...WITHDRAW_ALL_REQUEST_PROVIDERS,
        PurgeExpiredProof,
        ProofRetentionJob,
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
