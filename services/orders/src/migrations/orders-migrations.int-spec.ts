import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { createTestDatabase } from '@siyu/testing';
import { ORDERS_MIGRATIONS } from '../orders.database';

const hex = () => randomBytes(32).toString('hex');

describe('migration: after-sales lookup index as one row per order', () => {
  let ds: DataSource;
  afterAll(async () => ds?.destroy());

  it('carries every digest and source digest of the old layout over, and drops the old tables', async () => {
    const database = await provisionServiceDatabase(await createTestDatabase('lookupmig'), 'orders');
    const at = ORDERS_MIGRATIONS.findIndex((m) => m.name === 'OrderLookupOneRow1763900001300');
    expect(at).toBeGreaterThan(0);
    const before = ORDERS_MIGRATIONS.slice(0, at);
    const old = await openServiceDataSource({ database, entities: [], migrations: before });
    const [a, b] = [randomUUID(), randomUUID()];
    const digests = { aFull: hex(), aLast4: hex(), aBuyer: hex(), bLast4: hex() };
    for (const ref of [a, b]) {
      const buyer = hex();
      await old.query(`INSERT INTO data_keys (buyer_pseudonym, wrapped_key) VALUES ($1, 'v1.k.x.y.z')`, [
        buyer,
      ]);
      await old.query(
        `INSERT INTO orders (order_ref, platform, shop_id, platform_order_id, status, amount_cents, ordered_at,
                             lines, buyer_pseudonym, receiver_sealed, content_fingerprint)
         VALUES ($1, 'tmall', 'shop', $2, 'paid', 100, now(), '[]', $3, 's1.x', 'f')`,
        [ref, ref.slice(0, 8), buyer],
      );
      await old.query(`INSERT INTO receiver_lookup_sources (order_ref, source_digest) VALUES ($1, $2)`, [
        ref,
        `src-${ref}`,
      ]);
    }
    await old.query(
      `INSERT INTO receiver_lookup (order_ref, kind, digest) VALUES
         ($1, 'phone-full', $3), ($1, 'phone-last4', $4), ($1, 'buyer-id', $5), ($2, 'phone-last4', $6)`,
      [a, b, digests.aFull, digests.aLast4, digests.aBuyer, digests.bLast4],
    );
    await old.destroy();

    ds = await openServiceDataSource({ database, entities: [], migrations: ORDERS_MIGRATIONS });
    const rows: Record<string, string | null>[] = await ds.query(
      `SELECT order_ref, encode(phone_full, 'hex') AS phone_full, encode(phone_last4, 'hex') AS phone_last4,
              encode(buyer_id, 'hex') AS buyer_id, source_digest
         FROM order_lookup ORDER BY order_ref = $1 DESC`,
      [a],
    );
    expect(rows).toEqual([
      {
        order_ref: a,
        phone_full: digests.aFull,
        phone_last4: digests.aLast4,
        buyer_id: digests.aBuyer,
        source_digest: `src-${a}`,
      },
      {
        order_ref: b,
        phone_full: null,
        phone_last4: digests.bLast4,
        buyer_id: null,
        source_digest: `src-${b}`,
      },
    ]);
    const leftovers: unknown[] = await ds.query(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'orders' AND table_name IN ('receiver_lookup', 'receiver_lookup_sources')`,
    );
    expect(leftovers).toEqual([]);
  });
});

describe('migration: retention settings per platform shop', () => {
  let ds: DataSource;
  afterAll(async () => ds?.destroy());

  it('keeps a setting saved per shop id for that shop id on every platform', async () => {
    const database = await provisionServiceDatabase(await createTestDatabase('retentionmig'), 'orders');
    const at = ORDERS_MIGRATIONS.findIndex((m) => m.name === 'ShopRetentionPerPlatform1763900001330');
    expect(at).toBeGreaterThan(0);
    const old = await openServiceDataSource({
      database,
      entities: [],
      migrations: ORDERS_MIGRATIONS.slice(0, at),
    });
    await old.query(
      `INSERT INTO shop_retention_settings (shop_id, after_sales_days, record_retention_days) VALUES ('s-1', 7, 365)`,
    );
    await old.destroy();
    ds = await openServiceDataSource({ database, entities: [], migrations: ORDERS_MIGRATIONS });
    const rows: { platform: string; after_sales_days: number }[] = await ds.query(
      `SELECT platform, after_sales_days FROM shop_retention_settings WHERE shop_id = 's-1' ORDER BY platform`,
    );
    expect(rows).toEqual(
      ['douyin', 'jd', 'kuaishou', 'pinduoduo', 'tmall', 'youzan'].map((platform) => ({
        platform,
        after_sales_days: 7,
      })),
    );
  });
});
