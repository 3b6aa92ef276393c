import { Module } from '@nestjs/common';
import { BlindIndex, KeyRing, loadBlindIndex, loadCryptoKeys } from '@siyu/crypto';
import { auditAnchorProviders } from '@siyu/audit';
import { ORDERS_DB, ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { AuditTrailController } from './audit-trail.controller';
import { VerifyAuditTrail } from './verify-audit-trail.query';
import { BackfillLookupIndex } from './backfill-lookup-index.use-case';
import { BuyerDataKeys } from './buyer-data-keys';
import { DataKeyRepository } from './data-key.repository';
import { IndexReceivers } from './index-receivers';
import { LookupOrders } from './lookup-orders.query';
import { LookupController } from './lookup.controller';
import { ReceiverLookupRepository } from './receiver-lookup.repository';
import { RevealBudget } from './reveal-budget';
import { RevealBudgetController } from './reveal-budget.controller';
import { RevealBudgetRepository } from './reveal-budget.repository';
import { RevealReceiver } from './reveal-receiver.use-case';
import { LookupRoleRefusals, RevealRoleRefusals } from './role-refusals';
import { RotateDataKeys } from './rotate-data-keys.use-case';
import { VaultController } from './vault.controller';
import { VaultedReceiverRepository } from './vaulted-receiver.repository';

type Env = Pick<OrdersModuleOptions, 'env'>;

/** The fulfilment vault: the FULFILMENT keys (only orders holds them, R16), sealing, lookup and reveal. */
@Module({
  controllers: [VaultController, LookupController, AuditTrailController, RevealBudgetController],
  providers: [
    {
      provide: KeyRing,
      inject: [ORDERS_OPTIONS],
      useFactory: (o: Env) => loadCryptoKeys(o.env, 'FULFILMENT'),
    },
    {
      provide: BlindIndex,
      inject: [ORDERS_OPTIONS],
      useFactory: (o: Env) => loadBlindIndex(o.env, 'FULFILMENT'),
    },
    DataKeyRepository,
    BuyerDataKeys,
    VaultedReceiverRepository,
    ReceiverLookupRepository,
    RevealBudgetRepository,
    RevealBudget,
    IndexReceivers,
    BackfillLookupIndex,
    LookupOrders,
    VerifyAuditTrail,
    ...auditAnchorProviders<OrdersModuleOptions>({
      service: 'orders',
      options: ORDERS_OPTIONS,
      db: ORDERS_DB,
      env: (o) => o.env,
    }),
    RotateDataKeys,
    RevealReceiver,
    RevealRoleRefusals,
    LookupRoleRefusals,
  ],
  exports: [
    KeyRing,
    BlindIndex,
    BuyerDataKeys,
    ReceiverLookupRepository,
    VaultedReceiverRepository,
    BackfillLookupIndex,
    RotateDataKeys,
  ],
})
export class VaultModule {}
