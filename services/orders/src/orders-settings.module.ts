import { Global, Module, type DynamicModule } from '@nestjs/common';
import { openOrdersDataSource } from './orders.database';
import { ORDERS_DB, ORDERS_OPTIONS, type OrdersModuleOptions } from './orders.options';

/** What every orders feature may inject: its settings and its data source (the orders schema and role). */
export type OrdersSettings = Omit<OrdersModuleOptions, 'transport'> &
  Partial<Pick<OrdersModuleOptions, 'transport'>>;

/**
 * The settings and data source, once for the whole graph (the service and the CLIs alike). Whoever
 * registers it owns the data source's end (the service module, or the CLI context).
 */
@Global()
@Module({})
export class OrdersSettingsModule {
  static register(settings: OrdersSettings): DynamicModule {
    return {
      module: OrdersSettingsModule,
      providers: [
        { provide: ORDERS_OPTIONS, useValue: settings },
        { provide: ORDERS_DB, useFactory: () => openOrdersDataSource(settings.adminDatabaseUrl) },
      ],
      exports: [ORDERS_OPTIONS, ORDERS_DB],
    };
  }
}
