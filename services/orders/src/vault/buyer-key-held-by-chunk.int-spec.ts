import type { DataSource, EntityManager } from 'typeorm';
import { generateSecretsEnv, loadBlindIndex, loadCryptoKeys } from '@siyu/crypto';
import { createTestDatabase } from '@siyu/testing';
import { IngestOrderChunk, type ChunkContext } from '../imports/ingest-order-chunk';
import { sealChunk } from '../imports/sealed-chunk';
import type { MappedOrder } from '../order-book/order';
import { OrderRepository } from '../order-book/order.repository';
import { openOrdersDataSource } from '../orders.database';
import { BuyerDataKeys } from './buyer-data-keys';
import { DataKeyRepository } from './data-key.repository';
import { ReceiverLookupRepository } from './receiver-lookup.repository';

const ctx: ChunkContext = {
  importId: '00000000-0000-4000-8000-00000000000a',
  platform: 'tmall',
  shopId: 's-1',
};
const order = (id: string): MappedOrder => ({
  platformOrderId: id,
  status: 'paid',
  amountCents: 100,
  orderedAt: new Date('2026-11-01T02:00:00Z'),
  paidAt: null,
  logisticsCompany: null,
  trackingNumber: null,
  lines: [{ sku: 'SKU-1', quantity: 1 }],
  receiver: { name: '张*', phone: '138****5678', address: '浙江省 ****' },
  buyerId: 'tb-buyer-1',
});

/**
 * Orders keep no foreign key to `data_keys` (ADR 0014): the chunk transaction holds its buyers' key
 * rows instead. These tests would catch an order left without its key row.
 */
describe('a chunk holds the key rows of the buyers it writes (no foreign key on the hot path)', () => {
  let ds: DataSource;
  let ingest: IngestOrderChunk;
  beforeAll(async () => {
    ds = await openOrdersDataSource(await createTestDatabase('buyerkeyheld'));
    const env = generateSecretsEnv();
    ingest = new IngestOrderChunk(
      new OrderRepository(ds),
      new BuyerDataKeys(loadCryptoKeys(env, 'FULFILMENT'), new DataKeyRepository()),
      loadBlindIndex(env, 'FULFILMENT'),
      new ReceiverLookupRepository(),
    );
  });
  afterAll(async () => ds?.destroy());

  const ordersWithoutKeyRow = async (): Promise<unknown[]> =>
    ds.query(
      `SELECT o.order_ref FROM orders o
        WHERE NOT EXISTS (SELECT 1 FROM data_keys k WHERE k.buyer_pseudonym = o.buyer_pseudonym)`,
    );

  /** Retention's steps for one buyer: shred the key, delete an order past retention, delete a key no order uses. */
  const retention = (pseudonym: string, pastRetention: string) =>
    ds.transaction(async (tx: EntityManager) => {
      await tx.query(
        'UPDATE data_keys SET wrapped_key = NULL, shredded_at = now() WHERE buyer_pseudonym = $1 AND wrapped_key IS NOT NULL',
        [pseudonym],
      );
      await tx.query('DELETE FROM orders WHERE platform_order_id = $1', [pastRetention]);
      await tx.query(
        `DELETE FROM data_keys k WHERE k.wrapped_key IS NULL AND k.buyer_pseudonym = $1
            AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.buyer_pseudonym = k.buyer_pseudonym)`,
        [pseudonym],
      );
    });

  /** Until some other session of this database waits for a row lock (at most ~5 s). */
  const someoneWaitsForALock = async (): Promise<boolean> => {
    for (let i = 0; i < 100; i++) {
      const waiting: unknown[] = await ds.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (waiting.length > 0) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };

  it('has no foreign key from orders to data_keys any more, and keeps the lookup rows’ key to orders', async () => {
    const keys: { child: string; parent: string }[] = await ds.query(
      `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint
        WHERE contype = 'f' AND conrelid::regclass::text IN ('orders', 'order_lookup') ORDER BY 1`,
    );
    expect(keys).toEqual([{ child: 'order_lookup', parent: 'orders' }]);
  });

  it('keeps retention from shredding or deleting a buyer key while a chunk writing that buyer is open, so no order is left without its key row', async () => {
    await ds.transaction((tx) => ingest.execute(tx, ctx, [ingest.prepare(ctx, order('T-1'))]));
    const [{ buyer_pseudonym: pseudonym }]: { buyer_pseudonym: string }[] = await ds.query(
      `SELECT buyer_pseudonym FROM orders WHERE platform_order_id = 'T-1'`,
    );

    // The buyer's next order, in a chunk paused where a worker thread would be sealing it, while
    // retention runs for the buyer (the first order is past its retention): retention must wait.
    let retentionRun: Promise<void> | undefined;
    let retentionWaited = false;
    await ds.transaction((tx) =>
      ingest.execute(tx, ctx, [ingest.prepare(ctx, order('T-2'))], async (task) => {
        retentionRun = retention(pseudonym, 'T-1');
        retentionRun.catch(() => undefined);
        retentionWaited = await someoneWaitsForALock();
        return sealChunk(task);
      }),
    );
    await retentionRun;
    expect(await ordersWithoutKeyRow()).toEqual([]);
    expect(retentionWaited).toBe(true);

    // Retention did its work after the chunk committed, and the key row stays for the new order.
    const left: { platform_order_id: string }[] = await ds.query(
      'SELECT platform_order_id FROM orders WHERE buyer_pseudonym = $1',
      [pseudonym],
    );
    expect(left).toEqual([{ platform_order_id: 'T-2' }]);
    const keyRows: { shredded: boolean }[] = await ds.query(
      'SELECT wrapped_key IS NULL AS shredded FROM data_keys WHERE buyer_pseudonym = $1',
      [pseudonym],
    );
    expect(keyRows).toEqual([{ shredded: true }]);
    expect(await ordersWithoutKeyRow()).toEqual([]);
  });
});
