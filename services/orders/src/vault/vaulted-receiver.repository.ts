import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * SQL (over `orders o`, `data_keys k`, `receiver_shreds r`) that is true when an order's receiver
 * was crypto-shredded (R17): its buyer's key is gone, or the order was last written before its
 * shredding (the buyer's key was re-created for a later order; this one stays unreadable).
 */
export const RECEIVER_SHREDDED_SQL =
  '(k.wrapped_key IS NULL OR (r.shredded_at IS NOT NULL AND o.updated_at <= r.shredded_at))';

export interface VaultedReceiver {
  receiverSealed: string;
  buyerIdSealed: string | null;
  /** null once shredded (R17). */
  wrappedKey: string | null;
}

@Injectable()
export class VaultedReceiverRepository {
  async findVaultedReceiver(tx: EntityManager, orderRef: string): Promise<VaultedReceiver | null> {
    const [row]: {
      receiver_sealed: string;
      buyer_id_sealed: string | null;
      wrapped_key: string | null;
      shredded: boolean;
    }[] = await tx.query(
      `SELECT o.receiver_sealed, o.buyer_id_sealed, k.wrapped_key, ${RECEIVER_SHREDDED_SQL} AS shredded
         FROM orders o
         JOIN data_keys k ON k.buyer_pseudonym = o.buyer_pseudonym
         LEFT JOIN receiver_shreds r ON r.order_ref = o.order_ref
        WHERE o.order_ref = $1`,
      [orderRef],
    );
    if (!row) return null;
    return {
      receiverSealed: row.receiver_sealed,
      buyerIdSealed: row.buyer_id_sealed,
      wrappedKey: row.shredded ? null : row.wrapped_key,
    };
  }
}
