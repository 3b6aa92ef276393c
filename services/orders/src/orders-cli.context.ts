import { Inject, Module, type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ORDERS_DB } from './orders.options';
import { OrdersSettingsModule, type OrdersSettings } from './orders-settings.module';

/**
 * The CLIs' object graph: the service's own feature modules under the same settings module, without
 * HTTP, messaging or schedules (events stay in the outbox for the running service to publish). A
 * constructor change in a feature is wired once, in its module, for the service and the CLIs alike.
 */
@Module({})
class OrdersCliModule implements OnApplicationShutdown {
  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  static with(feature: Type, settings: OrdersSettings): DynamicModule {
    return { module: OrdersCliModule, imports: [OrdersSettingsModule.register(settings), feature] };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/** One feature module's providers for a command; close it to release the database. */
export function openOrdersCliContext(
  feature: Type,
  settings: OrdersSettings,
): Promise<INestApplicationContext> {
  // No Nest log lines (the CLIs' stdout is their JSON report); failures throw to the caller.
  return NestFactory.createApplicationContext(OrdersCliModule.with(feature, settings), {
    logger: false,
    abortOnError: false,
  });
}
