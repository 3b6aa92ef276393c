import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Platform } from '@siyu/contracts';
import { ORDERS_DB } from '../orders.options';
import { RetentionError, RetentionErrorCode } from './retention.errors';
import { RetentionRepository } from './retention.repository';

export interface ShopRetentionSettings {
  afterSalesDays: number;
  recordRetentionDays: number;
}

/** Sets a platform shop's after-sales window and record retention (R17), audited with who changed it. */
@Injectable()
export class SetShopRetention {
  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly retention: RetentionRepository,
  ) {}

  async execute(
    actorId: string,
    platform: Platform,
    shopId: string,
    settings: ShopRetentionSettings,
  ): Promise<ShopRetentionSettings> {
    if (settings.recordRetentionDays < settings.afterSalesDays) {
      throw new RetentionError(
        RetentionErrorCode.RETENTION_SHORTER_THAN_WINDOW,
        'recordRetentionDays must be at least afterSalesDays: records outlive the after-sales window',
      );
    }
    await this.ds.transaction(async (tx) => {
      await this.retention.saveSettings(tx, platform, shopId, settings);
      await appendAudit(tx, {
        actor: actorId,
        action: 'set-shop-retention',
        purpose: 'retention',
        subject: `shop:${platform}/${shopId}`,
        fields: [],
        outcome: 'allowed',
      });
    });
    return settings;
  }
}
