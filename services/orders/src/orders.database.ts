import type { DataSource } from 'typeorm';
import { AuditTrail1763900000001 } from '@siyu/audit';
import { MessagingTables1763900000000 } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { OrdersInitial1763900000100 } from './migrations/1763900000100-orders-initial';
import { FactReleases1763900001000 } from './migrations/1763900001000-fact-releases';

export const ORDERS_MIGRATIONS = [
  MessagingTables1763900000000,
  AuditTrail1763900000001,
  OrdersInitial1763900000100,
  FactReleases1763900001000,
];

/** The orders schema under its own role (ARCHITECTURE invariant 3); shared by the app and the CLI. */
export async function openOrdersDataSource(adminDatabaseUrl: string): Promise<DataSource> {
  return openServiceDataSource({
    database: await provisionServiceDatabase(adminDatabaseUrl, 'orders'),
    entities: [],
    migrations: ORDERS_MIGRATIONS,
  });
}
