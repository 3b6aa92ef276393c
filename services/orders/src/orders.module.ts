import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@siyu/contracts';
import {
  BlindIndex,
  KeyRing,
  loadBlindIndex,
  loadCryptoKeys,
  loadTokenSigner,
  TokenSigner,
} from '@siyu/crypto';
import { ServiceMessaging } from '@siyu/messaging';
import { AgreementsController } from './agreements/agreements.controller';
import { GetPlatformAgreement } from './agreements/get-platform-agreement.query';
import { PlatformAgreementRepository } from './agreements/platform-agreement.repository';
import { SetPlatformAgreement } from './agreements/set-platform-agreement.use-case';
import { GetImportSummary } from './imports/get-import-summary.query';
import { ListImportJobs } from './imports/list-import-jobs.query';
import { ImportJobRepository } from './imports/import-job.repository';
import { ImportOrders } from './imports/import-orders.use-case';
import { ImportsController } from './imports/imports.controller';
import { IngestOrderChunk } from './imports/ingest-order-chunk';
import { ImportUploadLimits } from './imports/upload-limits';
import { OrderRepository } from './imports/order.repository';
import { CardSheetController } from './invitations/card-sheet.controller';
import { InvitationRepository } from './invitations/invitation.repository';
import { InvitationsController } from './invitations/invitations.controller';
import { IssueInvitation } from './invitations/issue-invitation.use-case';
import { PrintCardSheet } from './invitations/print-card-sheet.query';
import { openOrdersDataSource } from './orders.database';
import { ORDERS_DB, ORDERS_OPTIONS, type OrdersModuleOptions } from './orders.options';
import { DATA_SUBJECT_REQUEST_PROVIDERS } from './data-subject-requests/data-subject-requests.consumer';
import { ReleaseFactsConsumer } from './release/release-facts.consumer';
import { ReleasedFactsOutbox } from './release/released-facts-outbox';
import { ReleaseRepository } from './release/release.repository';
import { ApplyRetention } from './retention/apply-retention.use-case';
import { RetentionController } from './retention/retention.controller';
import { RetentionRepository } from './retention/retention.repository';
import { RetentionSchedule } from './retention/retention-schedule';
import { SetShopRetention } from './retention/set-shop-retention.use-case';
import { AuditTrailController } from './vault/audit-trail.controller';
import { BackfillLookupIndex } from './vault/backfill-lookup-index.use-case';
import { BuyerDataKeys } from './vault/buyer-data-keys';
import { DataKeyRepository } from './vault/data-key.repository';
import { IndexReceivers } from './vault/index-receivers';
import { LookupController } from './vault/lookup.controller';
import { LookupOrders } from './vault/lookup-orders.query';
import { ReceiverLookupRepository } from './vault/receiver-lookup.repository';
import { RevealBudget } from './vault/reveal-budget';
import { RevealReceiver } from './vault/reveal-receiver.use-case';
import { LookupRoleRefusals, RevealRoleRefusals } from './vault/role-refusals';
import { RotateDataKeys } from './vault/rotate-data-keys.use-case';
import { VaultController } from './vault/vault.controller';
import { VaultedReceiverRepository } from './vault/vaulted-receiver.repository';
import { GetOrderPushStatus } from './webhooks/get-order-push-status.query';
import { OrderPushPoller } from './webhooks/order-push-poller';
import { OrderPushStatusController } from './webhooks/order-push-status.controller';
import { OrderPushRepository } from './webhooks/order-push.repository';
import { OrderPushesController } from './webhooks/order-pushes.controller';
import { ProcessOrderPushes } from './webhooks/process-order-pushes.use-case';
import { PushSettings } from './webhooks/push-settings';
import { ReceiveOrderPush } from './webhooks/receive-order-push.use-case';
import { serviceReadiness } from '@siyu/observability';

export { ORDERS_DB, ORDERS_OPTIONS, type OrdersModuleOptions } from './orders.options';

/**
 * The orders service: platform order imports into the fulfilment vault, purpose-bound reveal,
 * parcel-card QR invitations. The only holder of the FULFILMENT keys (R16).
 */
@Module({})
export class OrdersModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly messaging: ServiceMessaging,
    @Inject(ORDERS_DB) private readonly ds: DataSource,
  ) {}

  static register(options: OrdersModuleOptions): DynamicModule {
    return {
      module: OrdersModule,
      controllers: [
        ImportsController,
        VaultController,
        InvitationsController,
        LookupController,
        AuditTrailController,
        CardSheetController,
        RetentionController,
        OrderPushesController,
        AgreementsController,
        OrderPushStatusController,
      ],
      providers: [
        ...serviceReadiness({ service: 'orders', db: ORDERS_DB, transport: options.transport }),
        { provide: ORDERS_OPTIONS, useValue: options },
        { provide: ORDERS_DB, useFactory: () => openOrdersDataSource(options.adminDatabaseUrl) },
        ReleaseRepository,
        PlatformAgreementRepository,
        ReleasedFactsOutbox,
        ReleaseFactsConsumer,
        SetPlatformAgreement,
        GetPlatformAgreement,
        {
          provide: ServiceMessaging,
          inject: [ORDERS_DB, ReleaseFactsConsumer],
          useFactory: (ds: DataSource, release: ReleaseFactsConsumer) =>
            new ServiceMessaging(ds, options.transport, {
              schema: 'orders',
              produces: [TOPICS.ordersIngested, TOPICS.ordersFactsReleased, TOPICS.ordersFactsRevoked],
              consumers: [
                {
                  name: 'release',
                  topics: [TOPICS.consentGranted, TOPICS.consentWithdrawn, TOPICS.ordersIngested],
                  handlers: release.handlers,
                },
              ],
            }),
        },
        { provide: KeyRing, useFactory: () => loadCryptoKeys(options.env, 'FULFILMENT') },
        { provide: BlindIndex, useFactory: () => loadBlindIndex(options.env, 'FULFILMENT') },
        { provide: TokenSigner, useFactory: () => loadTokenSigner(options.env, 'INVITE') },
        OrderRepository,
        ImportJobRepository,
        DataKeyRepository,
        BuyerDataKeys,
        IngestOrderChunk,
        ImportOrders,
        ImportUploadLimits,
        GetImportSummary,
        ListImportJobs,
        RevealReceiver,
        RevealRoleRefusals,
        LookupRoleRefusals,
        IssueInvitation,
        VaultedReceiverRepository,
        ReceiverLookupRepository,
        RevealBudget,
        IndexReceivers,
        BackfillLookupIndex,
        LookupOrders,
        RotateDataKeys,
        InvitationRepository,
        PrintCardSheet,
        RetentionRepository,
        ...DATA_SUBJECT_REQUEST_PROVIDERS,
        ApplyRetention,
        SetShopRetention,
        RetentionSchedule,
        PushSettings,
        OrderPushRepository,
        ReceiveOrderPush,
        ProcessOrderPushes,
        OrderPushPoller,
        GetOrderPushStatus,
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messaging.stop();
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
