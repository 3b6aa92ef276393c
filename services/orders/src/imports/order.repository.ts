import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { Platform } from '@siyu/contracts';
import type { Sealed } from '@siyu/crypto';
import { ORDERS_DB } from '../orders.options';
import type { OrderLine, OrderStatus } from './platform-export';

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
  logisticsCompany: string | null;
  trackingNumber: string | null;
  lines: OrderLine[];
  buyerPseudonym: string;
  buyerIdSealed: Sealed<'buyer-id'> | null;
  receiverSealed: Sealed<'receiver'>;
  contentFingerprint: string;
  lastImportId: string | null;
}

export interface KnownOrder {
  orderRef: string;
  contentFingerprint: string;
}

export interface VaultedReceiver {
  receiverSealed: string;
  /** null once the buyer's data key was crypto-shredded (R17). */
  wrappedKey: string | null;
}

const COLUMNS = [
  'order_ref',
  'platform',
  'shop_id',
  'platform_order_id',
  'status',
  'amount_cents',
  'ordered_at',
  'paid_at',
  'logistics_company',
  'tracking_number',
  'lines',
  'buyer_pseudonym',
  'buyer_id_sealed',
  'receiver_sealed',
  'content_fingerprint',
  'last_import_id',
] as const;
const UPDATED_ON_CHANGE = COLUMNS.filter(
  (c) => !['order_ref', 'platform', 'shop_id', 'platform_order_id'].includes(c),
);

@Injectable()
export class OrderRepository {
  /** Rows per INSERT: at most 500, and within PostgreSQL's 65,535 bind parameters. */
  static readonly MAX_ROWS_PER_WRITE = Math.min(500, Math.floor(65535 / COLUMNS.length));

  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  /** Serialises writers of one shop's orders until the transaction ends (imports, later webhooks). */
  async lockShop(tx: EntityManager, platform: Platform, shopId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`orders:${platform}:${shopId}`]);
  }

  async findKnownOrders(
    tx: EntityManager,
    platform: Platform,
    shopId: string,
    platformOrderIds: string[],
  ): Promise<Map<string, KnownOrder>> {
    const rows: { platform_order_id: string; order_ref: string; content_fingerprint: string }[] =
      await tx.query(
        `SELECT platform_order_id, order_ref, content_fingerprint FROM orders
        WHERE platform = $1 AND shop_id = $2 AND platform_order_id = ANY($3::text[])`,
        [platform, shopId, platformOrderIds],
      );
    return new Map(
      rows.map((r) => [
        r.platform_order_id,
        { orderRef: r.order_ref, contentFingerprint: r.content_fingerprint },
      ]),
    );
  }

  /**
   * Inserts new orders and rewrites changed ones in one multi-row statement. A known order keeps
   * its order ref: its sealed values were sealed with that ref as AAD.
   */
  async upsertOrders(tx: EntityManager, orders: OrderRecord[]): Promise<void> {
    for (let i = 0; i < orders.length; i += OrderRepository.MAX_ROWS_PER_WRITE) {
      const chunk = orders.slice(i, i + OrderRepository.MAX_ROWS_PER_WRITE);
      const params: unknown[] = [];
      const tuples = chunk.map((o) => {
        const values = [
          o.orderRef,
          o.platform,
          o.shopId,
          o.platformOrderId,
          o.status,
          o.amountCents,
          o.orderedAt,
          o.paidAt,
          o.logisticsCompany,
          o.trackingNumber,
          JSON.stringify(o.lines),
          o.buyerPseudonym,
          o.buyerIdSealed,
          o.receiverSealed,
          o.contentFingerprint,
          o.lastImportId,
        ];
        const placeholders = values.map((v) => {
          params.push(v);
          return `$${params.length}`;
        });
        placeholders[10] += '::jsonb';
        return `(${placeholders.join(', ')})`;
      });
      const rows: unknown[] = await tx.query(
        `INSERT INTO orders (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (platform, shop_id, platform_order_id) DO UPDATE
           SET ${UPDATED_ON_CHANGE.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
           WHERE orders.order_ref = EXCLUDED.order_ref
         RETURNING order_ref`,
        params,
      );
      // Under lockShop every row lands; anything else would leave a ciphertext under a wrong AAD.
      if (rows.length !== chunk.length)
        throw new Error(`order upsert wrote ${rows.length} of ${chunk.length} rows`);
    }
  }

  async existsByRef(orderRef: string): Promise<boolean> {
    const rows = await this.ds.query('SELECT 1 FROM orders WHERE order_ref = $1', [orderRef]);
    return rows.length > 0;
  }

  async findVaultedReceiver(tx: EntityManager, orderRef: string): Promise<VaultedReceiver | null> {
    const [row]: { receiver_sealed: string; wrapped_key: string | null }[] = await tx.query(
      `SELECT o.receiver_sealed, k.wrapped_key FROM orders o
         JOIN data_keys k ON k.buyer_pseudonym = o.buyer_pseudonym
        WHERE o.order_ref = $1`,
      [orderRef],
    );
    return row ? { receiverSealed: row.receiver_sealed, wrappedKey: row.wrapped_key } : null;
  }
}
