import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@siyu/contracts';
import { MessagingTables1763900000000, ServiceMessaging } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from './audience.options';
import { ConsentEventsConsumer } from './members/consent-events.consumer';
import { MemberRepository } from './members/member.repository';
import { AudienceInitial1763900000200 } from './migrations/1763900000200-audience-initial';
import { ReleasedFacts1763900000201 } from './migrations/1763900000201-released-facts';
import { ReleasedFactsConsumer } from './facts/released-facts.consumer';
import { ReleasedFactsRepository } from './facts/released-facts.repository';
import { CreateSegment } from './segments/create-segment.use-case';
import { MaterializeSegment } from './segments/materialize-segment.use-case';
import { SegmentRepository } from './segments/segment.repository';
import { SegmentsController } from './segments/segments.controller';
import { serviceReadiness } from '@siyu/observability';

@Module({})
export class AudienceModule implements OnApplicationBootstrap, OnApplicationShutdown {
  static register(options: AudienceModuleOptions): DynamicModule {
    return {
      module: AudienceModule,
      controllers: [SegmentsController],
      providers: [
        ...serviceReadiness({ service: 'audience', db: AUDIENCE_DB, transport: options.transport }),
        { provide: AUDIENCE_OPTIONS, useValue: options },
        {
          provide: AUDIENCE_DB,
          useFactory: async () =>
            openServiceDataSource({
              database: await provisionServiceDatabase(options.adminDatabaseUrl, 'audience'),
              entities: [],
              migrations: [
                MessagingTables1763900000000,
                AudienceInitial1763900000200,
                ReleasedFacts1763900000201,
              ],
            }),
        },
        MemberRepository,
        SegmentRepository,
        ConsentEventsConsumer,
        ReleasedFactsRepository,
        ReleasedFactsConsumer,
        {
          provide: ServiceMessaging,
          inject: [AUDIENCE_DB, ConsentEventsConsumer, ReleasedFactsConsumer],
          useFactory: (ds: DataSource, consent: ConsentEventsConsumer, facts: ReleasedFactsConsumer) =>
            new ServiceMessaging(ds, options.transport, {
              schema: 'audience',
              produces: [TOPICS.segmentMaterialized],
              consumers: [
                {
                  name: 'consent',
                  topics: [TOPICS.consentGranted, TOPICS.consentWithdrawn],
                  handlers: consent.handlers,
                },
                {
                  name: 'facts',
                  topics: [TOPICS.ordersFactsReleased, TOPICS.ordersFactsRevoked],
                  handlers: facts.handlers,
                },
              ],
            }),
        },
        CreateSegment,
        MaterializeSegment,
      ],
    };
  }

  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
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
