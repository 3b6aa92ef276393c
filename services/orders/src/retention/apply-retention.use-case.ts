import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Platform } from '@siyu/contracts';
import { generateDataKey } from '@siyu/crypto';
import { SEALED_FULFILMENT_FIELDS } from '@siyu/privacy';
import { OrderRepository } from '../order-book/order.repository';
import { ORDERS_DB } from '../orders.options';
import { sealReceiver } from '../vault/seal-receiver';
import { RetentionRepository, type ShopRetention } from './retention.repository';

/** Counts only: a retention report never names a buyer, receiver or order (R16). */
export interface ShopRetentionReport extends ShopRetention {
  ordersShredded: number;
  buyerKeysShredded: number;
  recordsDeleted: number;
}

export interface RetentionReport {
  dryRun: boolean;
  shops: ShopRetentionReport[];
}

class DryRunRollback extends Error {}

/**
 * R17, per shop in one transaction under the shop's import lock:
 * 1. orders past the after-sales window lose their receiver copy (tombstoned ciphertext, sealed
 *    buyer id, tracking number, lookup digests);
 * 2. a buyer none of whose orders is readable any more loses the data key (crypto-shredding:
 *    every copy sealed under it, backups included, becomes unreadable);
 * 3. shredded records past their own retention are deleted.
 * The non-identifying record (dates, amounts, SKUs, status) stays until step 3. A dry run does the
 * same work and rolls it back, so its counts are exactly what a real run would do.
 */
@Injectable()
export class ApplyRetention {
  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly retention: RetentionRepository,
    private readonly orders: OrderRepository,
  ) {}

  async execute(
    actorId: string,
    options: { dryRun?: boolean; shopId?: string } = {},
  ): Promise<RetentionReport> {
    const dryRun = options.dryRun ?? false;
    const shops = (await this.retention.listShops(this.ds.manager)).filter(
      (s) => options.shopId === undefined || s.shopId === options.shopId,
    );
    const reports: ShopRetentionReport[] = [];
    for (const shop of shops) {
      let report: ShopRetentionReport | undefined;
      try {
        await this.ds.transaction(async (tx) => {
          report = await this.applyToShop(tx, actorId, shop);
          if (dryRun) throw new DryRunRollback();
        });
      } catch (err) {
        if (!(err instanceof DryRunRollback)) throw err;
      }
      reports.push(report!);
    }
    return { dryRun, shops: reports };
  }

  private async applyToShop(
    tx: EntityManager,
    actorId: string,
    shop: ShopRetention,
  ): Promise<ShopRetentionReport> {
    // Same lock as imports: no order of this shop is being sealed under a key we shred.
    await this.orders.lockShop(tx, shop.platform as Platform, shop.shopId);
    const due = await this.retention.findOrdersPastAfterSales(tx, shop);
    // One throwaway key per run: the tombstones are well-formed ciphertexts nobody can open.
    const discarded = generateDataKey();
    await this.retention.shredOrders(
      tx,
      due.map((orderRef) => ({
        orderRef,
        tombstone: sealReceiver(discarded, orderRef, { name: '', phone: '', address: '' }),
      })),
    );
    discarded.fill(0);
    const buyerKeysShredded = await this.retention.shredKeysOfFinishedBuyers(tx, shop);
    const recordsDeleted = await this.retention.deleteRecordsPastRetention(tx, shop);
    const subject = `shop:${shop.platform}:${shop.shopId}`;
    if (due.length > 0 || buyerKeysShredded > 0) {
      await appendAudit(tx, {
        actor: actorId,
        action: 'shred-receivers',
        purpose: 'retention',
        subject,
        fields: [...SEALED_FULFILMENT_FIELDS, 'tracking_number'],
        outcome: 'allowed',
      });
    }
    if (recordsDeleted > 0) {
      await appendAudit(tx, {
        actor: actorId,
        action: 'delete-order-records',
        purpose: 'retention',
        subject,
        fields: ['order'],
        outcome: 'allowed',
      });
    }
    return { ...shop, ordersShredded: due.length, buyerKeysShredded, recordsDeleted };
  }
}
