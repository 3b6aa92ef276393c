import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { serviceReadiness } from '@siyu/observability';
import { AgreementsModule } from './agreements/agreements.module';
import { DataSubjectRequestsModule } from './data-subject-requests/data-subject-requests.module';
import { ImportsModule } from './imports/imports.module';
import { InvitationsModule } from './invitations/invitations.module';
import { OrderBookModule } from './order-book/order-book.module';
import { ORDERS_DB, type OrdersModuleOptions } from './orders.options';
import { OrdersSettingsModule } from './orders-settings.module';
import { ReleaseModule } from './release/release.module';
import { RetentionSchedule } from './retention/retention-schedule';
import { RetentionModule } from './retention/retention.module';
import { VaultModule } from './vault/vault.module';
import { OrderPushesModule } from './order-pushes/order-pushes.module';

export { ORDERS_DB, ORDERS_OPTIONS, type OrdersModuleOptions } from './orders.options';

/**
 * The orders service: platform order imports into the fulfilment vault, purpose-bound reveal,
 * parcel-card QR invitations. The only holder of the FULFILMENT keys (R16). One module per feature
 * folder; this one adds what only the running service has: messaging and the retention schedule
 * (the CLIs build the same feature modules without them, see orders-cli.context.ts).
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
      imports: [
        OrdersSettingsModule.register(options),
        OrderBookModule,
        VaultModule,
        ImportsModule,
        OrderPushesModule,
        InvitationsModule,
        RetentionModule,
        ReleaseModule,
        AgreementsModule,
        DataSubjectRequestsModule,
      ],
      providers: [
        ...serviceReadiness({ service: 'orders', db: ORDERS_DB, transport: options.transport }),
        {
          provide: ServiceMessaging,
          inject: [ORDERS_DB],
          // The relay; each feature declares its own consumers (release, data-subject-requests).
          useFactory: (ds: DataSource) =>
            new ServiceMessaging(ds, options.transport, {
              schema: 'orders',
              produces: [TOPICS.ordersIngested, TOPICS.ordersFactsReleased, TOPICS.ordersFactsRevoked],
              consumers: [],
            }),
        },
        RetentionSchedule,
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
