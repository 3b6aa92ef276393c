import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuditAnchors1763900007000, auditAnchorProviders, AuditTrail1763900000001 } from '@siyu/audit';
import { TOPICS } from '@siyu/contracts';
import { MessagingTables1763900000000, ServiceMessaging } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { CampaignReads } from './campaigns/campaign-reads';
import { CampaignResultsTimelineController } from './campaigns/campaign-results-timeline.controller';
import { CampaignResultsTimelineRepository } from './campaigns/campaign-results-timeline.repository';
import { CampaignRepository } from './campaigns/campaign.repository';
import { GetCampaignResultsTimeline } from './campaigns/get-campaign-results-timeline.query';
import { GetTimeToSuppression } from './consent-projection/get-time-to-suppression.query';
import { TemplateReads } from './templates/template-reads.query';
import { CampaignsController } from './campaigns/campaigns.controller';
import { ChangeCampaignState } from './campaigns/change-campaign-state.use-case';
import { CreateCampaign } from './campaigns/create-campaign.use-case';
import { StartCampaignRun } from './campaigns/start-campaign-run.use-case';
import { SandboxSmsChannel } from './channels/sandbox-sms.channel';
import { SandboxSmsController } from './channels/sandbox-sms.controller';
import { SmsChannels } from './channels/sms-channels';
import { ConsentEventsConsumer } from './consent-projection/consent-events.consumer';
import { ConsentProjectionRepository } from './consent-projection/consent-projection.repository';
import { TimeToSuppressionController } from './consent-projection/time-to-suppression.controller';
import { TimeToSuppressionRepository } from './consent-projection/time-to-suppression.repository';
import { ContactKeysController } from './contact-keys/contact-keys.controller';
import { ResealContactPoints } from './contact-keys/reseal-contact-points.use-case';
import { OutreachInitial1763900000300 } from './migrations/1763900000300-outreach-initial';
import { OutreachCampaigns1763900003000 } from './migrations/1763900003000-outreach-campaigns';
import { OutreachSendBatchIds1763900003010 } from './migrations/1763900003010-outreach-send-batch-ids';
import { ShortLinks1763900005000 } from '@siyu/short-links';
import { OutreachPlatformCampaigns1763900003020 } from './migrations/1763900003020-outreach-platform-campaigns';
import { OutreachPlannedSendsByMember1763900003030 } from './migrations/1763900003030-outreach-planned-sends-by-member';
import { OutreachSuppressionAppliedAt1763900003500 } from './migrations/1763900003500-outreach-suppression-applied-at';
import { OutreachGateClearance1763900003660 } from './migrations/1763900003660-outreach-gate-clearance';
import { OutreachSendCounters1763900003640 } from './migrations/1763900003640-outreach-send-counters';
import { AliyunSmsChannel } from './channels/aliyun-sms.channel';
import { PlatformChannels } from './channels/platform-channels';
import { TencentSmsChannel } from './channels/tencent-sms.channel';
import { WechatSubscriptionChannel } from './channels/wechat-subscription.channel';
import { WecomChannel } from './channels/wecom.channel';
import {
  readAliyunSmsCredentials,
  readTencentSmsCredentials,
  readWechatCredentials,
  readWecomCredentials,
} from './channels/vendor-credentials';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from './outreach.options';
import { OUTREACH_DATA_SUBJECT_REQUEST_PROVIDERS } from './data-subject-requests/data-subject-requests.consumer';
import { SegmentEventsConsumer } from './segments/segment-events.consumer';
import { SegmentVersionsRepository } from './segments/segment-versions.repository';
import { RecordSmsReceipts } from './receipts/record-sms-receipts.use-case';
import { SmsReceiptsController } from './receipts/sms-receipts.controller';
import { WECHAT_SEND_RESULT_PROVIDERS } from './receipts/wechat-send-results.consumer';
import { CampaignRunner } from './runs/campaign-runner';
import { DispatchChunk } from './runs/dispatch-chunk';
import { DispatchRun } from './runs/dispatch-run';
import { ReconcileSends } from './runs/reconcile-sends.use-case';
import { ReconcileWecomSends } from './runs/reconcile-wecom-sends.use-case';
import { PullWecomResults } from './runs/pull-wecom-results.use-case';
import { ResumeSystemPausedRuns } from './runs/resume-system-paused-runs.use-case';
import { RunRepository } from './runs/run.repository';
import { SendRepository } from './runs/send.repository';
import { SendGate } from './send-gate/send-gate';
import { serviceReadiness } from '@siyu/observability';
import { ConsentWatermarkReadiness } from './send-gate/consent-watermark.readiness';
import { DeclareTemplate } from './templates/declare-template.use-case';
import { EstimateDraftController } from './templates/estimate-draft.controller';
import { EstimateSms } from './templates/estimate-sms';
import { SyncTemplates } from './templates/sync-templates.use-case';
import { TemplateRepository } from './templates/template.repository';
import { TemplatesController } from './templates/templates.controller';
import { UnsubscribeLinks } from './templates/unsubscribe-links';
import { UnsubscribeShortLinkTarget } from './short-links/unsubscribe-short-link.target';
import { UnsubscribeShortLinksController } from './short-links/unsubscribe-short-links.controller';

import { OutreachAuditTrailController } from './audit-trail/audit-trail.controller';
import { VerifyOutreachAuditTrail } from './audit-trail/verify-audit-trail.query';

@Module({})
export class OutreachModule implements OnApplicationBootstrap, OnApplicationShutdown {
  static register(options: OutreachModuleOptions): DynamicModule {
    return {
      module: OutreachModule,
      controllers: [
        CampaignsController,
        TemplatesController,
        EstimateDraftController,
        SandboxSmsController,
        SmsReceiptsController,
        ContactKeysController,
        UnsubscribeShortLinksController,
        CampaignResultsTimelineController,
        TimeToSuppressionController,
        OutreachAuditTrailController,
      ],
      providers: [
        VerifyOutreachAuditTrail,
        ...auditAnchorProviders<OutreachModuleOptions>({
          service: 'outreach',
          options: OUTREACH_OPTIONS,
          db: OUTREACH_DB,
          env: (o) => o.env,
        }),
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
                AuditAnchors1763900007000,
                OutreachInitial1763900000300,
                OutreachCampaigns1763900003000,
                OutreachSendBatchIds1763900003010,
                ShortLinks1763900005000,
                OutreachPlatformCampaigns1763900003020,
                OutreachPlannedSendsByMember1763900003030,
                OutreachSuppressionAppliedAt1763900003500,
                OutreachSendCounters1763900003640,
                OutreachGateClearance1763900003660,
              ],
            }),
        },
        {
          provide: SandboxSmsChannel,
          inject: [OUTREACH_DB],
          useFactory: (ds: DataSource) => new SandboxSmsChannel(ds, options.announce),
        },
        {
          provide: SmsChannels,
          inject: [OUTREACH_DB, SandboxSmsChannel],
          useFactory: (ds: DataSource, sandbox: SandboxSmsChannel) => {
            // Vendor credentials come from env / secrets only (ALIYUN_SMS_*, TENCENT_SMS_*), never from
            // the database. Which vendor a campaign uses is its template's vendor.
            const aliyun = readAliyunSmsCredentials(options.env);
            const tencent = readTencentSmsCredentials(options.env);
            return new SmsChannels([
              sandbox,
              ...(aliyun ? [new AliyunSmsChannel(aliyun)] : []),
              ...(tencent ? [new TencentSmsChannel(tencent)] : []),
              ...(options.smsChannels?.(ds) ?? []),
            ]);
          },
        },
        {
          provide: PlatformChannels,
          useFactory: () => {
            const wecom = readWecomCredentials(options.env);
            const wechat = readWechatCredentials(options.env);
            return new PlatformChannels(
              wecom ? new WecomChannel(wecom) : undefined,
              wechat ? new WechatSubscriptionChannel(wechat) : undefined,
            );
          },
        },
        ConsentProjectionRepository,
        ConsentEventsConsumer,
        SegmentVersionsRepository,
        SegmentEventsConsumer,
        ...OUTREACH_DATA_SUBJECT_REQUEST_PROVIDERS,
        ...WECHAT_SEND_RESULT_PROVIDERS,
        {
          provide: ServiceMessaging,
          inject: [OUTREACH_DB, ConsentEventsConsumer, SegmentEventsConsumer],
          useFactory: (ds: DataSource, consent: ConsentEventsConsumer, segments: SegmentEventsConsumer) =>
            new ServiceMessaging(ds, options.transport, {
              schema: 'outreach',
              produces: [TOPICS.smsOptOutReceived],
              consumers: [
                {
                  name: 'consent',
                  topics: [TOPICS.consentGranted, TOPICS.consentWithdrawn],
                  handlers: consent.handlers,
                  idempotentTypes: ['consent.watermark.v1'],
                },
                {
                  name: 'segments',
                  topics: [TOPICS.segmentMaterialized, TOPICS.segmentVersionChanged],
                  handlers: segments.handlers,
                },
              ],
            }),
        },
        CampaignRepository,
        CampaignReads,
        TemplateRepository,
        RunRepository,
        SendRepository,
        SendGate,
        UnsubscribeLinks,
        UnsubscribeShortLinkTarget,
        EstimateSms,
        DeclareTemplate,
        SyncTemplates,
        CreateCampaign,
        StartCampaignRun,
        ChangeCampaignState,
        DispatchChunk,
        DispatchRun,
        ReconcileSends,
        ReconcileWecomSends,
        PullWecomResults,
        ResumeSystemPausedRuns,
        CampaignRunner,
        RecordSmsReceipts,
        ResealContactPoints,
        CampaignResultsTimelineRepository,
        TimeToSuppressionRepository,
        GetCampaignResultsTimeline,
        GetTimeToSuppression,
        TemplateReads,
      ],
    };
  }

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly messaging: ServiceMessaging,
    private readonly runner: CampaignRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging.start();
    if (this.options.runner?.pollMs !== 0) this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await this.messaging.stop();
    await this.ds.destroy();
  }
}
