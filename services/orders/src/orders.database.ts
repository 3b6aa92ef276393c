import type { DataSource } from 'typeorm';
import { AuditAnchors1763900007000, AuditTrail1763900000001 } from '@siyu/audit';
import { MessagingTables1763900000000 } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { ShortLinks1763900005000 } from '@siyu/short-links';
import { OrdersInitial1763900000100 } from './migrations/1763900000100-orders-initial';
import { OrdersSourceModifiedAt1763900000600 } from './migrations/1763900000600-orders-source-modified-at';
import { VaultLookupAndBudget1763900000700 } from './migrations/1763900000700-vault-lookup-and-budget';
import { InvitationWecomStates1763900000710 } from './migrations/1763900000710-invitation-wecom-states';
import { ShopRetentionSettings1763900000720 } from './migrations/1763900000720-shop-retention-settings';
import { FactReleases1763900001000 } from './migrations/1763900001000-fact-releases';
import { OrderPushes1763900001100 } from './migrations/1763900001100-order-pushes';
import { ReleaseSensitive1763900001001 } from './migrations/1763900001001-release-sensitive';
import { PlatformAgreements1763900001200 } from './migrations/1763900001200-platform-agreements';
import { OrderPushPii1763900001210 } from './migrations/1763900001210-order-push-pii';
import { OrderLookupOneRow1763900001300 } from './migrations/1763900001300-order-lookup-one-row';
import { OrdersShippedAt1763900001310 } from './migrations/1763900001310-orders-shipped-at';
import { OrdersLastImportRow1763900001320 } from './migrations/1763900001320-orders-last-import-row';
import { ShopRetentionPerPlatform1763900001330 } from './migrations/1763900001330-shop-retention-per-platform';
import { OrdersBuyerKeyHeldByChunk1763900001340 } from './migrations/1763900001340-orders-buyer-key-held-by-chunk';

export const ORDERS_MIGRATIONS = [
  MessagingTables1763900000000,
  AuditTrail1763900000001,
  AuditAnchors1763900007000,
  OrdersInitial1763900000100,
  OrdersSourceModifiedAt1763900000600,
  VaultLookupAndBudget1763900000700,
  InvitationWecomStates1763900000710,
  ShopRetentionSettings1763900000720,
  FactReleases1763900001000,
  ReleaseSensitive1763900001001,
  OrderPushes1763900001100,
  PlatformAgreements1763900001200,
  OrderPushPii1763900001210,
  OrderLookupOneRow1763900001300,
  OrdersShippedAt1763900001310,
  OrdersLastImportRow1763900001320,
  ShopRetentionPerPlatform1763900001330,
  OrdersBuyerKeyHeldByChunk1763900001340,
  ShortLinks1763900005000,
];

/** The orders schema under its own role (ARCHITECTURE invariant 3); shared by the app and the CLI. */
export async function openOrdersDataSource(adminDatabaseUrl: string): Promise<DataSource> {
  return openServiceDataSource({
    database: await provisionServiceDatabase(adminDatabaseUrl, 'orders'),
    entities: [],
    migrations: ORDERS_MIGRATIONS,
  });
}
