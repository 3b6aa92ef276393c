import type { EntityManager } from 'typeorm';
import { RECEIVER_SHREDDED_SQL } from '../vault/vaulted-receiver.repository';
import { DEFAULT_AFTER_SALES_DAYS, DEFAULT_RECORD_RETENTION_DAYS } from '../retention/retention.repository';

export interface SubjectRelease {
  releaseId: string;
  brandId: string;
  subjectRef: string;
  buyerPseudonym: string;
  active: boolean;
}

export interface SubjectOrder {
  orderRef: string;
  /** Receiver ciphertext already shredded by retention (R17). */
  shredded: boolean;
  /** Completed or closed: its after-sales clock runs. */
  finished: boolean;
  /** End of the after-sales window (legal hold on fulfilment data); null while not finished. */
  afterSalesUntil: string | null;
  /** End of the non-identifying transaction record's own retention; null while not finished. */
  recordUntil: string | null;
}

/**
 * Orders knows a subject only through the links consent made (fact releases and refusals, each naming
 * the buyer pseudonym): the only way from a subject ref to its orders, no search by person.
 */
export class SubjectOrdersRepository {
  async releasesOf(tx: EntityManager, subjectRef: string): Promise<SubjectRelease[]> {
    return tx.query(
      `SELECT release_id AS "releaseId", brand_id AS "brandId", subject_ref AS "subjectRef",
              buyer_pseudonym AS "buyerPseudonym", active
         FROM fact_releases WHERE subject_ref = $1 ORDER BY release_id`,
      [subjectRef],
    );
  }

  async countRefusals(tx: EntityManager, subjectRef: string): Promise<number> {
    const [row] = await tx.query('SELECT count(*)::int AS n FROM release_refusals WHERE subject_ref = $1', [
      subjectRef,
    ]);
    return row.n;
  }

  async ordersOfBuyers(tx: EntityManager, buyers: string[]): Promise<SubjectOrder[]> {
    const rows: (Omit<SubjectOrder, 'afterSalesUntil' | 'recordUntil'> & {
      afterSalesUntil: Date | null;
      recordUntil: Date | null;
    })[] = await tx.query(
      `SELECT o.order_ref AS "orderRef",
              (r.shredded_at IS NOT NULL AND o.updated_at <= r.shredded_at) AS shredded,
              o.status IN ('completed', 'closed') AS finished,
              CASE WHEN o.status IN ('completed', 'closed')
                   THEN o.updated_at + make_interval(days => coalesce(s.after_sales_days, $2)) END AS "afterSalesUntil",
              CASE WHEN o.status IN ('completed', 'closed')
                   THEN o.updated_at + make_interval(days => coalesce(s.record_retention_days, $3)) END AS "recordUntil"
         FROM orders o
         LEFT JOIN receiver_shreds r ON r.order_ref = o.order_ref
         LEFT JOIN shop_retention_settings s ON s.platform = o.platform AND s.shop_id = o.shop_id
        WHERE o.buyer_pseudonym = ANY($1::text[])
        ORDER BY o.order_ref`,
      [buyers, DEFAULT_AFTER_SALES_DAYS, DEFAULT_RECORD_RETENTION_DAYS],
    );
    return rows.map((r) => ({
      ...r,
      afterSalesUntil: r.afterSalesUntil ? new Date(r.afterSalesUntil).toISOString() : null,
      recordUntil: r.recordUntil ? new Date(r.recordUntil).toISOString() : null,
    }));
  }

  /** Deletes the subject ↔ buyer links; the orders then belong to no known person. */
  async deleteLinks(tx: EntityManager, subjectRef: string): Promise<{ releases: number; refusals: number }> {
    const [row] = await tx.query(
      `WITH r AS (DELETE FROM fact_releases WHERE subject_ref = $1 RETURNING 1),
            f AS (DELETE FROM release_refusals WHERE subject_ref = $1 RETURNING 1)
       SELECT (SELECT count(*) FROM r)::int AS releases, (SELECT count(*) FROM f)::int AS refusals`,
      [subjectRef],
    );
    return row;
  }

  /**
   * R19: buyers (one data key per buyer pseudonym, shredded or not: the pseudonym still points at a
   * person, R1) and orders whose receiver data is still readable (at most one receiver each).
   */
  async countIndividuals(tx: EntityManager): Promise<{ buyers: number; receivers: number }> {
    const [row] = await tx.query(
      `SELECT (SELECT count(*) FROM data_keys)::int AS buyers,
              (SELECT count(*) FROM orders o JOIN data_keys k ON k.buyer_pseudonym = o.buyer_pseudonym
                 LEFT JOIN receiver_shreds r ON r.order_ref = o.order_ref
                WHERE NOT ${RECEIVER_SHREDDED_SQL})::int AS receivers`,
    );
    return row;
  }
}
