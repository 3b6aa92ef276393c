import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { copyRows } from '@siyu/persistence';
import { LOOKUP_COPY_COLUMNS, type LookupDigest, type LookupKind } from './receiver-lookup-index';
import { RECEIVER_SHREDDED_SQL } from './vaulted-receiver.repository';

/** An order as a lookup shows it: non-identifying facts only (no receiver, no platform ids). */
export interface OrderFacts {
  orderRef: string;
  platform: string;
  shopId: string;
  status: string;
  amountCents: number;
  orderedAt: string;
  receiverShredded: boolean;
}

export interface UnindexedOrder {
  orderRef: string;
  receiverSealed: string;
  buyerIdSealed: string | null;
  wrappedKey: string;
}

// The sealed values an order's index rows follow from (ciphertext digest, not personal data).
const SOURCE_DIGEST_SQL = `md5(o.receiver_sealed || coalesce(o.buyer_id_sealed, ''))`;

// A fixed map, never the caller's string, names the column.
const LOOKUP_COLUMN: Record<LookupKind, string> = {
  'phone-full': 'phone_full',
  'phone-last4': 'phone_last4',
  'buyer-id': 'buyer_id',
};

const FACTS_SQL = `SELECT o.order_ref, o.platform, o.shop_id, o.status, o.amount_cents::bigint AS amount_cents,
       o.ordered_at, ${RECEIVER_SHREDDED_SQL} AS receiver_shredded
  FROM orders o
  JOIN data_keys k ON k.buyer_pseudonym = o.buyer_pseudonym
  LEFT JOIN receiver_shreds r ON r.order_ref = o.order_ref`;

interface FactsRow {
  order_ref: string;
  platform: string;
  shop_id: string;
  status: string;
  amount_cents: string;
  ordered_at: Date;
  receiver_shredded: boolean;
}

@Injectable()
export class ReceiverLookupRepository {
  /**
   * Replaces the index row of these orders (one row each: a digest per kind, or null). Call after
   * the orders rows are written, in the same transaction: the row also records which sealed values
   * its digests were computed from.
   */
  async replaceIndexes(
    tx: EntityManager,
    entries: { orderRef: string; digests: LookupDigest[] }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const digestOf = (e: { digests: LookupDigest[] }, kind: LookupKind) =>
      e.digests.find((d) => d.kind === kind)?.digest ?? null;
    // Arrays through unnest(), not one parameter per value: any batch stays within 65,535 parameters.
    await tx.query(
      `INSERT INTO order_lookup (order_ref, phone_full, phone_last4, buyer_id, source_digest)
       SELECT v.order_ref, decode(v.phone_full, 'hex'), decode(v.phone_last4, 'hex'), decode(v.buyer_id, 'hex'),
              ${SOURCE_DIGEST_SQL}
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS v (order_ref, phone_full, phone_last4, buyer_id)
         JOIN orders o ON o.order_ref = v.order_ref
       ON CONFLICT (order_ref) DO UPDATE
          SET phone_full = EXCLUDED.phone_full, phone_last4 = EXCLUDED.phone_last4, buyer_id = EXCLUDED.buyer_id,
              source_digest = EXCLUDED.source_digest, indexed_at = now()`,
      [
        entries.map((e) => e.orderRef),
        entries.map((e) => digestOf(e, 'phone-full')),
        entries.map((e) => digestOf(e, 'phone-last4')),
        entries.map((e) => digestOf(e, 'buyer-id')),
      ],
    );
  }

  /** The index rows of orders this transaction inserted, from COPY text already built (`lookupRowValues` lines). */
  async copyIndexLinesOfNewOrders(tx: EntityManager, text: string): Promise<void> {
    if (text.length === 0) return;
    await copyRows(tx, 'order_lookup', LOOKUP_COPY_COLUMNS, [text]);
  }

  /**
   * Orders with a readable receiver whose index rows are missing or stale, in order-ref order,
   * locked until the caller commits: retention, which rewrites a shredded order's row first,
   * then waits, and deletes the rows written here instead of missing them.
   */
  async findUnindexed(tx: EntityManager, afterRef: string | null, limit: number): Promise<UnindexedOrder[]> {
    const rows: {
      order_ref: string;
      receiver_sealed: string;
      buyer_id_sealed: string | null;
      wrapped_key: string;
    }[] = await tx.query(
      `SELECT o.order_ref, o.receiver_sealed, o.buyer_id_sealed, k.wrapped_key
           FROM orders o
           JOIN data_keys k ON k.buyer_pseudonym = o.buyer_pseudonym
           LEFT JOIN receiver_shreds r ON r.order_ref = o.order_ref
           LEFT JOIN order_lookup s ON s.order_ref = o.order_ref
          WHERE NOT ${RECEIVER_SHREDDED_SQL}
            AND (s.order_ref IS NULL OR s.source_digest <> ${SOURCE_DIGEST_SQL})
            AND ($1::uuid IS NULL OR o.order_ref > $1::uuid)
          ORDER BY o.order_ref
          LIMIT $2
          FOR UPDATE OF o SKIP LOCKED`,
      [afterRef, limit],
    );
    return rows.map((r) => ({
      orderRef: r.order_ref,
      receiverSealed: r.receiver_sealed,
      buyerIdSealed: r.buyer_id_sealed,
      wrappedKey: r.wrapped_key,
    }));
  }

  async findByDigest(
    tx: EntityManager,
    kind: LookupKind,
    digest: string,
    shopId: string | null,
    limit: number,
  ): Promise<OrderFacts[]> {
    const rows: FactsRow[] = await tx.query(
      `${FACTS_SQL}
        JOIN order_lookup l ON l.order_ref = o.order_ref
       WHERE l.${LOOKUP_COLUMN[kind]} = decode($1, 'hex') AND ($2::text IS NULL OR o.shop_id = $2)
       ORDER BY o.ordered_at DESC, o.order_ref
       LIMIT $3`,
      [digest, shopId, limit],
    );
    return rows.map(toFacts);
  }

  /** The platform order number is the transaction record's own key, kept in clear (not PII). */
  async findByPlatformOrderId(
    tx: EntityManager,
    platformOrderId: string,
    shopId: string | null,
    limit: number,
  ): Promise<OrderFacts[]> {
    const rows: FactsRow[] = await tx.query(
      `${FACTS_SQL}
       WHERE o.platform_order_id = $1 AND ($2::text IS NULL OR o.shop_id = $2)
       ORDER BY o.ordered_at DESC, o.order_ref
       LIMIT $3`,
      [platformOrderId, shopId, limit],
    );
    return rows.map(toFacts);
  }
}

function toFacts(r: FactsRow): OrderFacts {
  return {
    orderRef: r.order_ref,
    platform: r.platform,
    shopId: r.shop_id,
    status: r.status,
    amountCents: Number(r.amount_cents),
    orderedAt: new Date(r.ordered_at).toISOString(),
    receiverShredded: r.receiver_shredded,
  };
}
