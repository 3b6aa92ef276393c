import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RECEIVER_SHREDDED_SQL } from '../vault/vaulted-receiver.repository';

export const DEFAULT_AFTER_SALES_DAYS = 30;
export const DEFAULT_RECORD_RETENTION_DAYS = 1095;

export interface ShopRetention {
  platform: string;
  shopId: string;
  afterSalesDays: number;
  recordRetentionDays: number;
}

// Shredded by retention: recorded, and not written since (a newer export re-seals it).
const SHREDDED_ORDER_SQL = '(r.shredded_at IS NOT NULL AND o.updated_at <= r.shredded_at)';

// The retention clock of an order starts when it was last written as completed or closed.
const FINISHED_BEFORE = (daysParam: string) =>
  `o.status IN ('completed', 'closed') AND o.updated_at < now() - make_interval(days => ${daysParam})`;

/** R17 in SQL. Every method runs in the caller's (per-shop) transaction. */
@Injectable()
export class RetentionRepository {
  /** Every shop with orders, with its settings or the defaults. */
  async listShops(tx: EntityManager): Promise<ShopRetention[]> {
    const rows: {
      platform: string;
      shop_id: string;
      after_sales_days: number;
      record_retention_days: number;
    }[] = await tx.query(
      `SELECT s.platform, s.shop_id,
                coalesce(r.after_sales_days, $1)::int AS after_sales_days,
                coalesce(r.record_retention_days, $2)::int AS record_retention_days
           FROM (SELECT DISTINCT platform, shop_id FROM orders) s
           LEFT JOIN shop_retention_settings r ON r.platform = s.platform AND r.shop_id = s.shop_id
          ORDER BY s.shop_id, s.platform`,
      [DEFAULT_AFTER_SALES_DAYS, DEFAULT_RECORD_RETENTION_DAYS],
    );
    return rows.map((r) => ({
      platform: r.platform,
      shopId: r.shop_id,
      afterSalesDays: r.after_sales_days,
      recordRetentionDays: r.record_retention_days,
    }));
  }

  async saveSettings(
    tx: EntityManager,
    platform: string,
    shopId: string,
    settings: { afterSalesDays: number; recordRetentionDays: number },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO shop_retention_settings (platform, shop_id, after_sales_days, record_retention_days)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (platform, shop_id) DO UPDATE
         SET after_sales_days = EXCLUDED.after_sales_days,
             record_retention_days = EXCLUDED.record_retention_days, updated_at = now()`,
      [platform, shopId, settings.afterSalesDays, settings.recordRetentionDays],
    );
  }

  /** Orders whose after-sales window closed and that were not shredded yet. */
  async findOrdersPastAfterSales(tx: EntityManager, shop: ShopRetention): Promise<string[]> {
    const rows: { order_ref: string }[] = await tx.query(
      `SELECT o.order_ref FROM orders o
         LEFT JOIN receiver_shreds r ON r.order_ref = o.order_ref
        WHERE o.platform = $1 AND o.shop_id = $2 AND NOT ${SHREDDED_ORDER_SQL}
          AND ${FINISHED_BEFORE('$3')}
        ORDER BY o.order_ref`,
      [shop.platform, shop.shopId, shop.afterSalesDays],
    );
    return rows.map((r) => r.order_ref);
  }

  /**
   * Deletes the order's own copies: the receiver ciphertext is replaced by a tombstone sealed
   * under a discarded key, the sealed buyer id, tracking number (the carrier links it to the
   * receiver) and lookup digests go, and the shredding is recorded.
   */
  async shredOrders(tx: EntityManager, orders: { orderRef: string; tombstone: string }[]): Promise<void> {
    if (orders.length === 0) return;
    const refs = orders.map((o) => o.orderRef);
    await tx.query(
      `UPDATE orders o SET receiver_sealed = v.tombstone, buyer_id_sealed = NULL, tracking_number = NULL
         FROM unnest($1::uuid[], $2::text[]) AS v (order_ref, tombstone)
        WHERE o.order_ref = v.order_ref`,
      [refs, orders.map((o) => o.tombstone)],
    );
    await tx.query('DELETE FROM order_lookup WHERE order_ref = ANY($1::uuid[])', [refs]);
    await tx.query(
      `INSERT INTO receiver_shreds (order_ref, shredded_at) SELECT unnest($1::uuid[]), now()
       ON CONFLICT (order_ref) DO UPDATE SET shredded_at = EXCLUDED.shredded_at`,
      [refs],
    );
  }

  /** Crypto-shreds the data key of every buyer of the shop none of whose orders is readable any more. */
  async shredKeysOfFinishedBuyers(tx: EntityManager, shop: ShopRetention): Promise<number> {
    // CTEs here and below, so the driver answers rows (a bare UPDATE/DELETE answers [rows, count]).
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH shredded AS (
         UPDATE data_keys SET wrapped_key = NULL, shredded_at = now()
          WHERE wrapped_key IS NOT NULL AND buyer_pseudonym IN (
            SELECT o.buyer_pseudonym FROM orders o
              JOIN data_keys k ON k.buyer_pseudonym = o.buyer_pseudonym
              LEFT JOIN receiver_shreds r ON r.order_ref = o.order_ref
             WHERE o.platform = $1 AND o.shop_id = $2
             GROUP BY o.buyer_pseudonym
            HAVING bool_and(${RECEIVER_SHREDDED_SQL}))
          RETURNING 1)
       SELECT count(*)::int AS n FROM shredded`,
      [shop.platform, shop.shopId],
    );
    return n;
  }

  /** Deletes shredded transaction records past their own retention, then keys left with no order. */
  async deleteRecordsPastRetention(tx: EntityManager, shop: ShopRetention): Promise<number> {
    const deleted: { buyer_pseudonym: string }[] = await tx.query(
      `WITH deleted AS (
         DELETE FROM orders o USING receiver_shreds r
          WHERE r.order_ref = o.order_ref
            AND o.platform = $1 AND o.shop_id = $2 AND o.updated_at <= r.shredded_at
            AND ${FINISHED_BEFORE('$3')}
          RETURNING o.buyer_pseudonym)
       SELECT buyer_pseudonym FROM deleted`,
      [shop.platform, shop.shopId, shop.recordRetentionDays],
    );
    if (deleted.length > 0) {
      await tx.query(
        `DELETE FROM data_keys k WHERE k.wrapped_key IS NULL AND k.buyer_pseudonym = ANY($1::text[])
            AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.buyer_pseudonym = k.buyer_pseudonym)`,
        [[...new Set(deleted.map((d) => d.buyer_pseudonym))]],
      );
    }
    return deleted.length;
  }
}
