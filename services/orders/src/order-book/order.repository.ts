import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { Platform } from '@siyu/contracts';
import type { Sealed } from '@siyu/crypto';
import { copyRows } from '@siyu/persistence';
import { ORDERS_DB } from '../orders.options';
import type { OrderLine, OrderStatus } from './order';
import { ORDER_COLUMNS } from './order-columns';

/** An order row as stored: personal data only sealed or pseudonymised (R1, R16). */
export interface OrderRecord {
  orderRef: string;
  platform: Platform;
  shopId: string;
  platformOrderId: string;
  status: OrderStatus;
  amountCents: number;
  orderedAt: Date;
  paidAt: Date | null;
  /** The export's 发货时间; without one, the first time Siyu sees the order shipped is recorded. */
  shippedAt: Date | null;
  logisticsCompany: string | null;
  trackingNumber: string | null;
  lines: OrderLine[];
  buyerPseudonym: string;
  buyerIdSealed: Sealed<'buyer-id'> | null;
  receiverSealed: Sealed<'receiver'>;
  contentFingerprint: string;
  lastImportId: string | null;
  /** The file row the last import read the order from (null for pushes). */
  lastImportRow: number | null;
  sourceModifiedAt: Date | null;
}

export interface KnownOrder {
  orderRef: string;
  contentFingerprint: string;
  status: OrderStatus;
  sourceModifiedAt: Date | null;
  lastImportId: string | null;
  lastImportRow: number | null;
}

const COLUMNS = ORDER_COLUMNS;
const COPY_COLUMNS = COLUMNS.map(([c]) => c);
const IDENTITY = ['order_ref', 'platform', 'shop_id', 'platform_order_id'];
// An export without 发货时间 dates the shipment by the first import that shows it shipped; a
// later value from the platform wins over that estimate, a later estimate never moves it.
const SHIPPED_AT_ON_INSERT = `coalesce(shipped_at, CASE WHEN status = 'shipped' THEN now() END)`;
const SHIPPED_AT_ON_UPDATE = `coalesce(v.shipped_at, o.shipped_at, CASE WHEN v.status = 'shipped' THEN now() END)`;
const UPDATED_ON_CHANGE = COLUMNS.map(([c]) => c).filter((c) => !IDENTITY.includes(c) && c !== 'shipped_at');

@Injectable()
export class OrderRepository {
  /** Rows per statement: unnest() takes one array parameter per column, so only size bounds it. */
  static readonly MAX_ROWS_PER_WRITE = 5000;

  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  /**
   * Serialises writers of one shop's orders until the transaction ends (imports, later webhooks).
   * Returns the transaction's time (`now()`), which dates what the transaction writes.
   */
  async lockShop(tx: EntityManager, platform: Platform, shopId: string): Promise<Date> {
    const [{ now }]: { now: Date }[] = await tx.query(
      'SELECT pg_advisory_xact_lock(hashtext($1)), now() AS now',
      [`orders:${platform}:${shopId}`],
    );
    return new Date(now);
  }

  async findKnownOrders(
    tx: EntityManager,
    platform: Platform,
    shopId: string,
    platformOrderIds: string[],
  ): Promise<Map<string, KnownOrder>> {
    const rows: {
      platform_order_id: string;
      order_ref: string;
      content_fingerprint: string;
      status: OrderStatus;
      source_modified_at: Date | null;
      last_import_id: string | null;
      last_import_row: number | null;
    }[] = await tx.query(
      `SELECT platform_order_id, order_ref, content_fingerprint, status, source_modified_at,
              last_import_id, last_import_row
         FROM orders
        WHERE platform = $1 AND shop_id = $2 AND platform_order_id = ANY($3::text[])`,
      [platform, shopId, platformOrderIds],
    );
    return new Map(
      rows.map((r) => [
        r.platform_order_id,
        {
          orderRef: r.order_ref,
          contentFingerprint: r.content_fingerprint,
          status: r.status,
          sourceModifiedAt: r.source_modified_at,
          lastImportId: r.last_import_id,
          lastImportRow: r.last_import_row,
        },
      ]),
    );
  }

  /**
   * Inserts orders that the caller, under `lockShop`, found absent: one statement per 5,000
   * (STYLE rule 11: arrays through unnest(), 17 parameters whatever the row count).
   */
  async insertNewOrders(tx: EntityManager, orders: OrderRecord[]): Promise<void> {
    for (let i = 0; i < orders.length; i += OrderRepository.MAX_ROWS_PER_WRITE) {
      const chunk = orders.slice(i, i + OrderRepository.MAX_ROWS_PER_WRITE);
      await tx.query(
        `INSERT INTO orders (${COLUMNS.map(([c]) => c).join(', ')})
         SELECT ${COLUMNS.map(([c]) => (c === 'shipped_at' ? SHIPPED_AT_ON_INSERT : c)).join(', ')}
           FROM unnest(${COLUMNS.map(([, type], k) => `$${k + 1}::${type}[]`).join(', ')})
             AS v (${COLUMNS.map(([c]) => c).join(', ')})`,
        COLUMNS.map(([, , value]) => chunk.map(value)),
      );
    }
  }

  /**
   * Inserts orders that the caller, under `lockShop`, found absent, from COPY text already built
   * (an import's worker thread: `newOrderValues` lines in `ORDER_COLUMNS` order). Returns the count.
   */
  async copyNewOrderLines(tx: EntityManager, text: string): Promise<number> {
    if (text.length === 0) return 0;
    return copyRows(tx, 'orders', COPY_COLUMNS, [text]);
  }

  /**
   * Rewrites known orders whose content changed. Each keeps its order ref: its sealed values were
   * sealed with that ref as AAD.
   */
  async rewriteChangedOrders(tx: EntityManager, orders: OrderRecord[]): Promise<void> {
    for (let i = 0; i < orders.length; i += OrderRepository.MAX_ROWS_PER_WRITE) {
      const chunk = orders.slice(i, i + OrderRepository.MAX_ROWS_PER_WRITE);
      const rows: unknown[] = await tx.query(
        `UPDATE orders o SET ${UPDATED_ON_CHANGE.map((c) => `${c} = v.${c}`).join(', ')},
                shipped_at = ${SHIPPED_AT_ON_UPDATE}, updated_at = now()
           FROM unnest(${COLUMNS.map(([, type], k) => `$${k + 1}::${type}[]`).join(', ')})
             AS v (${COLUMNS.map(([c]) => c).join(', ')})
          WHERE o.order_ref = v.order_ref AND o.platform = v.platform AND o.shop_id = v.shop_id
            AND o.platform_order_id = v.platform_order_id
         RETURNING 1`,
        COLUMNS.map(([, , value]) => chunk.map(value)),
      );
      // Under lockShop every row is there; anything else would leave a ciphertext under a wrong AAD.
      const written = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
      if (written !== chunk.length) throw new Error(`order rewrite wrote ${written} of ${chunk.length} rows`);
    }
  }

  /**
   * Marks orders whose content did not change as read by this import (so a repeat later in the
   * same file is recognised without holding every order number in memory), and records a newer
   * platform modification time.
   */
  async markUnchanged(
    tx: EntityManager,
    importId: string,
    orders: { orderRef: string; row: number | null; sourceModifiedAt: Date | null }[],
  ): Promise<void> {
    if (orders.length === 0) return;
    await tx.query(
      `UPDATE orders o
          SET last_import_id = $1,
              last_import_row = v.row,
              source_modified_at = CASE
                WHEN v.modified_at IS NOT NULL AND (o.source_modified_at IS NULL OR o.source_modified_at < v.modified_at)
                THEN v.modified_at ELSE o.source_modified_at END
         FROM unnest($2::uuid[], $3::integer[], $4::timestamptz[]) AS v (order_ref, row, modified_at)
        WHERE o.order_ref = v.order_ref`,
      [
        importId,
        orders.map((c) => c.orderRef),
        orders.map((c) => c.row),
        orders.map((c) => c.sourceModifiedAt?.toISOString() ?? null),
      ],
    );
  }

  async existsByRef(orderRef: string): Promise<boolean> {
    const rows = await this.ds.query('SELECT 1 FROM orders WHERE order_ref = $1', [orderRef]);
    return rows.length > 0;
  }
}
