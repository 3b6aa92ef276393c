import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuditTrail1763900000001 } from '@siyu/audit';
import { TOPICS } from '@siyu/contracts';
import { MessagingTables1763900000000, ServiceMessaging } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { CampaignRepository } from './campaigns/campaign.repository';
import { CampaignsController } from './campaigns/campaigns.controller';
import { CreateCampaign } from './campaigns/create-campaign.use-case';
import { RunCampaign } from './campaigns/run-campaign.use-case';
import { SandboxSmsChannel } from './channels/sandbox-sms.channel';
import { SMS_CHANNEL } from './channels/sms.channel';
import { ConsentEventsConsumer } from './consent-projection/consent-events.consumer';
import { ConsentProjectionRepository } from './consent-projection/consent-projection.repository';
import { ContactKeysController } from './contact-keys/contact-keys.controller';
import { ResealContactPoints } from './contact-keys/reseal-contact-points.use-case';
import { OutreachInitial1763900000300 } from './migrations/1763900000300-outreach-initial';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from './outreach.options';
import { SegmentEventsConsumer } from './segments/segment-events.consumer';
import { SendGate } from './send-gate/send-gate';
import { serviceReadiness } from '@siyu/observability';
import { ConsentWatermarkReadiness } from './send-gate/consent-watermark.readiness';

@Module({})
export class OutreachModule implements OnApplicationBootstrap, OnApplicationShutdown {
  static register(options: OutreachModuleOptions): DynamicModule {
    return {
      module: OutreachModule,
      controllers: [CampaignsController, ContactKeysController],
      providers: [
        ...serviceReadiness({
          service: 'outreach',
          db: OUTREACH_DB,
          transport: options.transport,
          checks: [ConsentWatermarkReadiness],
        }),
        { provide: OUTREACH_OPTIONS, useValue: options },
        {
          provide: OUTREACH_DB,
          useFactory: async () =>
            openServiceDataSource({
              database: await provisionServiceDatabase(options.adminDatabaseUrl, 'outreach'),
              entities: [],
              migrations: [
                MessagingTables1763900000000,
                AuditTrail1763900000001,
                OutreachInitial1763900000300,
              ],
            }),
        },
        {
          provide: SMS_CHANNEL,
          inject: [OUTREACH_DB],
          useFactory: (ds: DataSource) => new SandboxSmsChannel(ds, options.announce),
        },
        ConsentProjectionRepository,
        ConsentEventsConsumer,
        SegmentEventsConsumer,
        {
          provide: ServiceMessaging,
          inject: [OUTREACH_DB, ConsentEventsConsumer, SegmentEventsConsumer],
          useFactory: (ds: DataSource, consent: ConsentEventsConsumer, segments: SegmentEventsConsumer) =>
            new ServiceMessaging(ds, options.transport, {
              schema: 'outreach',
              produces: [],
              consumers: [
                {
                  name: 'consent',
                  topics: [TOPICS.consentGranted, TOPICS.consentWithdrawn],
                  handlers: consent.handlers,
                  idempotentTypes: ['consent.watermark.v1'],
                },
                { name: 'segments', topics: [TOPICS.segmentMaterialized], handlers: segments.handlers },
              ],
            }),
        },
        CampaignRepository,
        SendGate,
        CreateCampaign,
        RunCampaign,
        ResealContactPoints,
      ],
    };
  }

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    private readonly messaging: ServiceMessaging,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messaging.stop();
    await this.ds.destroy();
  }
}
