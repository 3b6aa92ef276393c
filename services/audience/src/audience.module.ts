import {
  DynamicModule,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase, RecurringJob } from '@siyu/persistence';
import { AUDIENCE_MIGRATIONS } from './audience.migrations';
import { auditAnchorProviders } from '@siyu/audit';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from './audience.options';
import { AUDIENCE_DATA_SUBJECT_REQUEST_PROVIDERS } from './data-subject-requests/data-subject-requests.consumer';
import { ProductCategoriesRepository } from './catalogue/product-categories.repository';
import { ReplaceCatalogue } from './catalogue/replace-catalogue.use-case';
import { ReleasedFactsConsumer } from './facts/released-facts.consumer';
import { ReleasedFactsRepository } from './facts/released-facts.repository';
import { DirtyMembersRepository } from './features/dirty-members.repository';
import { MemberChangesRepository } from './features/member-changes.repository';
import { MemberFeaturesRepository } from './features/member-features.repository';
import { ConsentEventsConsumer } from './members/consent-events.consumer';
import { MemberDataRepository } from './members/member-data.repository';
import { MemberRepository } from './members/member.repository';
import { CategoryOptOutsRepository } from './optouts/category-optouts.repository';
import { TagCategoriesConsumer } from './optouts/tag-categories.consumer';
import { TagModelsRepository } from './predictions/tag-models.repository';
import { TrainPrediction } from './predictions/train-prediction.use-case';
import { CreateSegment } from './segments/create-segment.use-case';
import { ExplainMembership } from './segments/explain-membership';
import { MaterializeSegment } from './segments/materialize-segment.use-case';
import { PreviewSegment } from './segments/preview-segment';
import { RefreshSegments } from './segments/refresh-segments.use-case';
import { SegmentCompiler } from './segments/segment-compiler';
import { SegmentRepository } from './segments/segment.repository';
import { SegmentListController } from './segments/segment-list.controller';
import { SegmentListRepository } from './segments/segment-list.repository';
import { ListSegments } from './segments/list-segments.query';
import { SegmentsController } from './segments/segments.controller';
import { serviceReadiness } from '@siyu/observability';
import { DefineTag } from './tags/define-tag.use-case';
import { MemberTagsRepository } from './tags/member-tags.repository';
import { RefreshMemberTags } from './tags/refresh-member-tags.use-case';
import { TagDefinitionsRepository } from './tags/tag-definitions.repository';
import { ListTagDefinitions } from './tags/list-tag-definitions.query';
import { TagLineage } from './tags/tag-lineage';
import { TagsController } from './tags/tags.controller';
import { WhatWeHold } from './transparency/what-we-hold';
import { WhatWeHoldController } from './transparency/what-we-hold.controller';
import { AuditedMemberReads } from './member-reads/audited-member-reads';
import { ProcessorAccessController } from './processor-access/processor-access.controller';
import { PROCESSOR_ACCESS_PROVIDERS } from './processor-access/processor-access.providers';

import { AudienceAuditTrailController } from './audit-trail/audit-trail.controller';
import { VerifyAudienceAuditTrail } from './audit-trail/verify-audit-trail.query';

@Module({})
export class AudienceModule implements OnApplicationBootstrap, OnApplicationShutdown {
  static register(options: AudienceModuleOptions): DynamicModule {
    return {
      module: AudienceModule,
      controllers: [
        SegmentsController,
        SegmentListController,
        TagsController,
        WhatWeHoldController,
        AudienceAuditTrailController,
        ProcessorAccessController,
      ],
      providers: [
        VerifyAudienceAuditTrail,
        ...auditAnchorProviders<AudienceModuleOptions>({
          service: 'audience',
          options: AUDIENCE_OPTIONS,
          db: AUDIENCE_DB,
          env: (o) => o.env,
        }),
        ...serviceReadiness({ service: 'audience', db: AUDIENCE_DB, transport: options.transport }),
        { provide: AUDIENCE_OPTIONS, useValue: options },
        {
          provide: AUDIENCE_DB,
          useFactory: async () =>
            openServiceDataSource({
              database: await provisionServiceDatabase(options.adminDatabaseUrl, 'audience'),
              entities: [],
              migrations: AUDIENCE_MIGRATIONS,
            }),
        },
        MemberRepository,
        MemberDataRepository,
        SegmentRepository,
        SegmentListRepository,
        ReleasedFactsRepository,
        DirtyMembersRepository,
        MemberFeaturesRepository,
        MemberChangesRepository,
        MemberTagsRepository,
        TagDefinitionsRepository,
        TagModelsRepository,
        CategoryOptOutsRepository,
        ProductCategoriesRepository,
        ConsentEventsConsumer,
        ...AUDIENCE_DATA_SUBJECT_REQUEST_PROVIDERS,
        ReleasedFactsConsumer,
        TagCategoriesConsumer,
        {
          provide: ServiceMessaging,
          inject: [AUDIENCE_DB, ConsentEventsConsumer, ReleasedFactsConsumer, TagCategoriesConsumer],
          useFactory: (
            ds: DataSource,
            consent: ConsentEventsConsumer,
            facts: ReleasedFactsConsumer,
            categories: TagCategoriesConsumer,
          ) =>
            new ServiceMessaging(ds, options.transport, {
              schema: 'audience',
              produces: [TOPICS.segmentMaterialized, TOPICS.segmentVersionChanged],
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
                {
                  name: 'preferences',
                  topics: [TOPICS.tagCategoriesChanged],
                  handlers: categories.handlers,
                },
              ],
            }),
        },
        SegmentCompiler,
        CreateSegment,
        MaterializeSegment,
        RefreshSegments,
        PreviewSegment,
        ExplainMembership,
        RefreshMemberTags,
        DefineTag,
        TrainPrediction,
        TagLineage,
        ListTagDefinitions,
        ListSegments,
        ReplaceCatalogue,
        WhatWeHold,
        AuditedMemberReads,
        ...PROCESSOR_ACCESS_PROVIDERS,
      ],
    };
  }

  private readonly logger = new Logger('audience');
  private readonly refreshJob: RecurringJob;
  private readonly segmentRefreshJob: RecurringJob;

  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly messaging: ServiceMessaging,
    refresh: RefreshMemberTags,
    refreshSegments: RefreshSegments,
  ) {
    this.refreshJob = new RecurringJob(
      () => refresh.execute(),
      (err) => this.logger.error(`tag refresh failed: ${(err as Error).message}`),
    );
    this.segmentRefreshJob = new RecurringJob(
      () => refreshSegments.execute(),
      (err) => this.logger.error(`segment refresh failed: ${(err as Error).message}`),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging.start();
    this.refreshJob.start(this.options.refreshEveryMs ?? 1000);
    this.segmentRefreshJob.start(this.options.segmentRefreshEveryMs ?? 60_000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.segmentRefreshJob.stop();
    await this.refreshJob.stop();
    await this.messaging.stop();
    await this.ds.destroy();
  }
}
