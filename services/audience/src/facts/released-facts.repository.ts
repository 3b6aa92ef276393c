import type { EntityManager } from 'typeorm';
import type { ReleasedOrderFact } from '@siyu/contracts';

export interface FactRow {
  releaseId: string;
  orderRef: string;
  status: string;
  amountCents: number;
  orderedAt: string;
  skus: string[];
  categories: string[];
  sensitive: boolean;
}

export class ReleasedFactsRepository {
  /**
   * Stores (or refreshes) facts of a release that has not been revoked, unless the member has
   * withdrawn purchase_history since (a late redelivery must not bring facts back, R10). Each fact
   * gets its categories from the brand catalogue and its China-time hour, for the tags.
   * Returns how many facts were stored.
   */
  async store(
    tx: EntityManager,
    brandId: string,
    releaseId: string,
    subjectRef: string,
    facts: ReleasedOrderFact[],
  ): Promise<number> {
    if (facts.length === 0) return 0;
    const stored: unknown[] = await tx.query(
      `INSERT INTO released_facts (release_id, order_ref, subject_ref, brand_id, status, amount_cents, ordered_at, skus,
                                   categories, sensitive, hour_cn, platform)
       SELECT $1, f.order_ref, $2, $4, f.status, f.amount_cents, f.ordered_at, f.skus,
              COALESCE(c.categories, '{}'), COALESCE(c.sensitive, false),
              extract(hour FROM f.ordered_at AT TIME ZONE 'Asia/Shanghai')::smallint, f.platform
         FROM jsonb_to_recordset($3::jsonb) AS f(order_ref uuid, status text, amount_cents bigint, ordered_at timestamptz, skus text[], platform text)
         LEFT JOIN LATERAL (
           SELECT array_agg(DISTINCT pc.category ORDER BY pc.category) AS categories, bool_or(pc.sensitive) AS sensitive
             FROM unnest(f.skus) s JOIN product_categories pc ON pc.brand_id = $4 AND starts_with(s, pc.sku_prefix)
         ) c ON true
        WHERE NOT EXISTS (SELECT 1 FROM revoked_releases r WHERE r.release_id = $1)
          AND NOT (EXISTS (SELECT 1 FROM member_consents WHERE subject_ref = $2 AND purpose = 'purchase_history')
               AND NOT EXISTS (SELECT 1 FROM member_consents WHERE subject_ref = $2 AND purpose = 'purchase_history' AND granted))
       ON CONFLICT (release_id, order_ref) DO UPDATE SET status = EXCLUDED.status, amount_cents = EXCLUDED.amount_cents,
                                                          platform = COALESCE(EXCLUDED.platform, released_facts.platform)
       RETURNING 1`,
      [
        releaseId,
        subjectRef,
        JSON.stringify(
          facts.map((f) => ({
            order_ref: f.orderRef,
            status: f.status,
            amount_cents: f.amountCents,
            ordered_at: f.orderedAt,
            skus: f.lines.map((l) => l.sku),
            platform: f.platform ?? null,
          })),
        ),
        brandId,
      ],
    );
    return stored.length;
  }

  /** R10: everything the release brought in goes; returns the subject it belonged to, if any. */
  async revoke(tx: EntityManager, releaseId: string): Promise<void> {
    await tx.query('INSERT INTO revoked_releases (release_id) VALUES ($1) ON CONFLICT DO NOTHING', [
      releaseId,
    ]);
    await tx.query('DELETE FROM released_facts WHERE release_id = $1', [releaseId]);
  }

  async factsOf(tx: EntityManager, subjectRef: string): Promise<FactRow[]> {
    const rows: {
      release_id: string;
      order_ref: string;
      status: string;
      amount_cents: string;
      ordered_at: Date;
      skus: string[];
      categories: string[];
      sensitive: boolean;
    }[] = await tx.query(
      `SELECT release_id, order_ref, status, amount_cents, ordered_at, skus, categories, sensitive
         FROM released_facts WHERE subject_ref = $1 ORDER BY ordered_at DESC`,
      [subjectRef],
    );
    return rows.map((r) => ({
      releaseId: r.release_id,
      orderRef: r.order_ref,
      status: r.status,
      amountCents: Number(r.amount_cents),
      orderedAt: r.ordered_at.toISOString(),
      skus: r.skus,
      categories: r.categories,
      sensitive: r.sensitive,
    }));
  }
}
