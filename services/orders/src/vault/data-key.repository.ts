import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface StoredDataKey {
  buyerPseudonym: string;
  /** null once crypto-shredded (R17). */
  wrappedKey: string | null;
}

/** Per-buyer data keys, wrapped under the FULFILMENT KEK (R16). Every method runs in the caller's transaction. */
@Injectable()
export class DataKeyRepository {
  /**
   * The stored keys of these buyers, each held (`FOR SHARE`) until the caller's transaction ends, in
   * one statement per chunk where a foreign key ran a trigger per order (ADR 0014). Retention can
   * then neither shred nor delete the key row until the chunk's orders are committed, and its
   * delete (`NOT EXISTS` an order) sees them: no order is ever left without its key row. `FOR KEY
   * SHARE`, the foreign key's lock, would not do: it lets the shred through, and a delete that waited
   * for the chunk then goes ahead on its earlier snapshot.
   */
  async findByPseudonyms(tx: EntityManager, pseudonyms: string[]): Promise<StoredDataKey[]> {
    if (pseudonyms.length === 0) return [];
    const rows: { buyer_pseudonym: string; wrapped_key: string | null }[] = await tx.query(
      `SELECT buyer_pseudonym, wrapped_key FROM data_keys WHERE buyer_pseudonym = ANY($1::text[])
          FOR SHARE`,
      [pseudonyms],
    );
    return rows.map((r) => ({ buyerPseudonym: r.buyer_pseudonym, wrappedKey: r.wrapped_key }));
  }

  /**
   * Stores new keys; a shredded key is replaced (data sealed under the old one stays unreadable).
   * Returns the pseudonyms whose key was written; others already had a live key.
   */
  async storeNewKeys(
    tx: EntityManager,
    keys: { buyerPseudonym: string; wrappedKey: string }[],
  ): Promise<Set<string>> {
    const written = new Set<string>();
    if (keys.length === 0) return written;
    // Two arrays through unnest(): one statement whatever the count, nothing for the server to parse per row.
    const rows: { buyer_pseudonym: string }[] = await tx.query(
      `INSERT INTO data_keys (buyer_pseudonym, wrapped_key)
       SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (buyer_pseudonym) DO UPDATE
         SET wrapped_key = EXCLUDED.wrapped_key, shredded_at = NULL, created_at = now()
         WHERE data_keys.shredded_at IS NOT NULL
       RETURNING buyer_pseudonym`,
      [keys.map((k) => k.buyerPseudonym), keys.map((k) => k.wrappedKey)],
    );
    rows.forEach((r) => written.add(r.buyer_pseudonym));
    return written;
  }

  /** Live keys not wrapped under `kid`, locked for re-wrapping; rows another rotation holds are skipped. */
  async lockKeysNotWrappedUnder(
    tx: EntityManager,
    kid: string,
    afterPseudonym: string | null,
    limit: number,
  ): Promise<{ buyerPseudonym: string; wrappedKey: string }[]> {
    const rows: { buyer_pseudonym: string; wrapped_key: string }[] = await tx.query(
      `SELECT buyer_pseudonym, wrapped_key FROM data_keys
        WHERE wrapped_key IS NOT NULL AND split_part(wrapped_key, '.', 2) <> $1
          AND ($2::text IS NULL OR buyer_pseudonym > $2)
        ORDER BY buyer_pseudonym
        LIMIT $3
        FOR UPDATE SKIP LOCKED`,
      [kid, afterPseudonym, limit],
    );
    return rows.map((r) => ({ buyerPseudonym: r.buyer_pseudonym, wrappedKey: r.wrapped_key }));
  }

  /** Swaps wrappings of the same data keys; a key shredded meanwhile stays shredded. */
  async replaceWrappings(
    tx: EntityManager,
    keys: { buyerPseudonym: string; wrappedKey: string }[],
  ): Promise<number> {
    if (keys.length === 0) return 0;
    // A CTE, so the driver answers rows (a bare UPDATE answers [rows, count]).
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH updated AS (
         UPDATE data_keys k SET wrapped_key = v.wrapped_key
           FROM unnest($1::text[], $2::text[]) AS v (buyer_pseudonym, wrapped_key)
          WHERE k.buyer_pseudonym = v.buyer_pseudonym AND k.wrapped_key IS NOT NULL
          RETURNING 1)
       SELECT count(*)::int AS n FROM updated`,
      [keys.map((k) => k.buyerPseudonym), keys.map((k) => k.wrappedKey)],
    );
    return n;
  }
}
