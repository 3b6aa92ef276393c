import { Module } from '@nestjs/common';
import { ImportsModule } from '../imports/imports.module';
import { VaultModule } from '../vault/vault.module';
import { GetOrderPushStatus } from './get-order-push-status.query';
import { OrderPushPoller } from './order-push-poller';
import { OrderPushStatusController } from './order-push-status.controller';
import { OrderPushRepository } from './order-push.repository';
import { OrderPushesController } from './order-pushes.controller';
import { ProcessOrderPushes } from './process-order-pushes.use-case';
import { PushSettings } from './push-settings';
import { ReceiveOrderPush } from './receive-order-push.use-case';

/** Platform order pushes: received signed, queued, then ingested through the same chunk path as imports. */
@Module({
  imports: [ImportsModule, VaultModule],
  controllers: [OrderPushesController, OrderPushStatusController],
  providers: [
    PushSettings,
    OrderPushRepository,
    ReceiveOrderPush,
    ProcessOrderPushes,
    OrderPushPoller,
    GetOrderPushStatus,
  ],
})
export class OrderPushesModule {}
