import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@siyu/contracts';
import { AuditAnchors1763900007000, AuditTrail1763900000001 } from '@siyu/audit';
import { MessagingTables1763900000000, ServiceMessaging } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { ConsentKeys } from './consent.keys';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from './consent.options';
import { ConsentInitial1763900000100 } from './migrations/1763900000100-consent-initial';
import { MembershipWebhooks1763900000800 } from './migrations/1763900000800-membership-webhooks';
import { SmsVendorReplies1763900000810 } from './migrations/1763900000810-sms-vendor-replies';
import { WechatEvents1763900000820 } from './migrations/1763900000820-wechat-events';
import { ConsentNoticesImmutable1763900000900 } from './migrations/1763900000900-consent-notices-immutable';
import { ConsentExpiries1763900001200 } from './migrations/1763900001200-consent-expiries';
import { LedgerEvidenceDigest1763900002200 } from './migrations/1763900002200-ledger-evidence-digest';
import { LedgerAnchors1763900002210 } from './migrations/1763900002210-ledger-anchors';
import { TagCategoryChoices1763900002300 } from './migrations/1763900002300-tag-category-choices';
import { ParcelCardClaims1763900002310 } from './migrations/1763900002310-parcel-card-claims';
import { WecomDoor1763900003200 } from './migrations/1763900003200-wecom-door';
import { PageRateLimits1763900003400 } from './migrations/1763900003400-page-rate-limits';

/**
 * What every consent feature may inject: the settings, the keys (R16), the data source (the consent
 * schema under its own role) and the outbox/relay. Registered once, by the service module.
 */
@Global()
@Module({})
export class ConsentSettingsModule {
  static register(options: ConsentModuleOptions): DynamicModule {
    return {
      module: ConsentSettingsModule,
      providers: [
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
                AuditAnchors1763900007000,
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
                WecomDoor1763900003200,
                PageRateLimits1763900003400,
              ],
            }),
        },
        {
          provide: ServiceMessaging,
          inject: [CONSENT_DB],
          useFactory: (ds: DataSource) =>
            new ServiceMessaging(ds, options.transport, {
              schema: 'consent',
              produces: [
                TOPICS.consentGranted,
                TOPICS.consentWithdrawn,
                TOPICS.tagCategoriesChanged,
                TOPICS.consentWechatSendResult,
              ],
              consumers: [],
            }),
        },
      ],
      exports: [CONSENT_OPTIONS, ConsentKeys, CONSENT_DB, ServiceMessaging],
    };
  }
}
