import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CryptoError, CryptoErrorCode } from '@siyu/crypto';
import { ORDERS_DB } from '../orders.options';
import { BuyerDataKeys } from './buyer-data-keys';
import { IndexReceivers, type ReceiverToIndex } from './index-receivers';
import { ReceiverLookupRepository } from './receiver-lookup.repository';
import { openBuyerId, openReceiver } from './seal-receiver';

export interface BackfillReport {
  indexed: number;
  /** Orders whose sealed values did not open (counted, never shown): left without index rows. */
  unreadable: number;
}

/**
 * Fills missing or stale lookup rows for orders already in the vault: opens each receiver in
 * memory, writes only keyed digests (R16), one transaction per batch. Idempotent; safe to re-run.
 */
@Injectable()
export class BackfillLookupIndex {
  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly lookup: ReceiverLookupRepository,
    private readonly dataKeys: BuyerDataKeys,
    private readonly indexReceivers: IndexReceivers,
  ) {}

  async execute(options: { batchSize?: number } = {}): Promise<BackfillReport> {
    const batchSize = options.batchSize ?? 500;
    const report: BackfillReport = { indexed: 0, unreadable: 0 };
    let after: string | null = null;
    for (;;) {
      const done: boolean = await this.ds.transaction(async (tx) => {
        const batch = await this.lookup.findUnindexed(tx, after, batchSize);
        if (batch.length === 0) return true;
        after = batch[batch.length - 1].orderRef;
        const opened: ReceiverToIndex[] = [];
        const unreadable: ReceiverToIndex[] = [];
        const keys = new Map<string, Buffer>();
        for (const order of batch) {
          // A key that does not unwrap (KEK missing from the ring) stops the run: fix the config.
          let key = keys.get(order.wrappedKey);
          if (!key) keys.set(order.wrappedKey, (key = this.dataKeys.unwrap(order.wrappedKey)));
          try {
            opened.push({
              orderRef: order.orderRef,
              receiver: openReceiver(key, order.orderRef, order.receiverSealed),
              buyerId: order.buyerIdSealed ? openBuyerId(key, order.orderRef, order.buyerIdSealed) : null,
            });
          } catch (err) {
            if (!(err instanceof CryptoError) || err.code === CryptoErrorCode.UNKNOWN_KEY) throw err;
            // Recorded with no rows, so the backfill does not retry it on every run.
            unreadable.push({
              orderRef: order.orderRef,
              receiver: { name: '', phone: '', address: '' },
              buyerId: null,
            });
          }
        }
        await this.indexReceivers.execute(tx, [...opened, ...unreadable]);
        report.indexed += opened.length;
        report.unreadable += unreadable.length;
        return batch.length < batchSize;
      });
      if (done) return report;
    }
  }
}
