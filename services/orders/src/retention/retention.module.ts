import { Module } from '@nestjs/common';
import { OrderBookModule } from '../order-book/order-book.module';
import { VaultModule } from '../vault/vault.module';
import { ApplyRetention } from './apply-retention.use-case';
import { RetentionController } from './retention.controller';
import { RetentionRepository } from './retention.repository';
import { SetShopRetention } from './set-shop-retention.use-case';

/**
 * Crypto-shredding receivers after the after-sales window and deleting records past retention (R17).
 * Its schedule runs in the service module only, so a CLI that applies retention starts no timer.
 */
@Module({
  imports: [OrderBookModule, VaultModule],
  controllers: [RetentionController],
  providers: [RetentionRepository, ApplyRetention, SetShopRetention],
  exports: [ApplyRetention, RetentionRepository],
})
export class RetentionModule {}
