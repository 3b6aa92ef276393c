/**
 * The tag refresh's SQL as it was before one statement read each batch once (commit 54ab0ac), kept
 * verbatim for bench:audience's same-run comparison only; services never import it.
 */
import type { EntityManager } from 'typeorm';
import { CHANNELS, type TagCategory } from '@siyu/contracts';

/** member_features columns by the tag category they reveal: closing a category empties them (R11). */
export const FEATURE_COLUMNS_BY_CATEGORY: Partial<Record<TagCategory, string[]>> = {
  purchase_preference: [
    'first_order_at',
    'last_order_at',
    'recency_days',
    'orders_total',
    'orders_30d',
    'orders_90d',
    'orders_180d',
    'orders_365d',
    'categories_365d',
  ],
  spending_power: ['monetary_total_cents', 'monetary_90d_cents', 'monetary_365d_cents'],
  active_hours: ['night_share', 'hour_band'],
};

/** China-time hour bands: night 22–06, morning 06–12, afternoon 12–18, evening 18–22. */
export const HOUR_BAND_SQL = (hour: string) =>
  `CASE WHEN ${hour} >= 22 OR ${hour} < 6 THEN 'night' WHEN ${hour} < 12 THEN 'morning' WHEN ${hour} < 18 THEN 'afternoon' ELSE 'evening' END`;

/**
 * The aggregate SELECT of member features as of `asOf` (a bind parameter name like `$2`) over the
 * facts matching `scope` (a condition on `rf`). Refresh stores it; training reads it at a cut-off.
 * Sensitive facts never feed features (R2): they feed only sensitive tags.
 */
export function featureSelect(asOf: string, scope: string): string {
  const within = (days: number) => `rf.ordered_at > ${asOf}::timestamptz - interval '${days} days'`;
  return `
  SELECT rf.subject_ref, min(m.brand_id) AS brand_id,
         min(rf.ordered_at) AS first_order_at, max(rf.ordered_at) AS last_order_at,
         floor(extract(epoch FROM ${asOf}::timestamptz - max(rf.ordered_at)) / 86400)::int AS recency_days,
         count(*)::int AS orders_total,
         count(*) FILTER (WHERE ${within(30)})::int AS orders_30d,
         count(*) FILTER (WHERE ${within(90)})::int AS orders_90d,
         count(*) FILTER (WHERE ${within(180)})::int AS orders_180d,
         count(*) FILTER (WHERE ${within(365)})::int AS orders_365d,
         sum(rf.amount_cents)::bigint AS monetary_total_cents,
         COALESCE(sum(rf.amount_cents) FILTER (WHERE ${within(90)}), 0)::bigint AS monetary_90d_cents,
         COALESCE(sum(rf.amount_cents) FILTER (WHERE ${within(365)}), 0)::bigint AS monetary_365d_cents,
         avg(CASE WHEN rf.hour_cn >= 22 OR rf.hour_cn < 2 THEN 1 ELSE 0 END)::real AS night_share,
         mode() WITHIN GROUP (ORDER BY ${HOUR_BAND_SQL('rf.hour_cn')}) AS hour_band,
         COALESCE((SELECT array_agg(DISTINCT c ORDER BY c) FROM released_facts r2, unnest(r2.categories) c
                    WHERE r2.subject_ref = rf.subject_ref AND NOT r2.sensitive AND r2.ordered_at <= ${asOf}::timestamptz
                      AND r2.ordered_at > ${asOf}::timestamptz - interval '365 days'), '{}') AS categories_365d,
         array_agg(DISTINCT rf.release_id) AS release_ids
    FROM released_facts rf
    JOIN members m ON m.subject_ref = rf.subject_ref
   WHERE ${scope} AND NOT rf.sensitive AND rf.ordered_at <= ${asOf}::timestamptz
   GROUP BY rf.subject_ref`;
}

export class MemberFeaturesRepository {
  /**
   * Recomputes the features of a batch of members in one statement (no loop per member): members
   * with the personalisation consent and at least one fact get a row, the others none.
   */
  async recompute(tx: EntityManager, batch: string[]): Promise<void> {
    await tx.query('DELETE FROM member_features WHERE subject_ref = ANY($1::uuid[])', [batch]);
    await tx.query(
      `INSERT INTO member_features (subject_ref, brand_id, first_order_at, last_order_at, recency_days, orders_total,
              orders_30d, orders_90d, orders_180d, orders_365d, monetary_total_cents, monetary_90d_cents,
              monetary_365d_cents, night_share, hour_band, categories_365d, release_ids)
       SELECT x.subject_ref, x.brand_id, x.first_order_at, x.last_order_at, x.recency_days, x.orders_total,
              x.orders_30d, x.orders_90d, x.orders_180d, x.orders_365d, x.monetary_total_cents, x.monetary_90d_cents,
              x.monetary_365d_cents, x.night_share, x.hour_band, x.categories_365d, x.release_ids
         FROM (${featureSelect('$2', `rf.subject_ref = ANY($1::uuid[]) AND ${PROFILED('rf.subject_ref')}`)}) x`,
      [batch, new Date().toISOString()],
    );
    for (const [category, columns] of Object.entries(FEATURE_COLUMNS_BY_CATEGORY)) {
      await tx.query(
        `UPDATE member_features f SET ${columns.map((c) => `${c} = NULL`).join(', ')}
          WHERE f.subject_ref = ANY($1::uuid[])
            AND EXISTS (SELECT 1 FROM member_category_optouts o WHERE o.subject_ref = f.subject_ref AND o.category = $2)`,
        [batch, category],
      );
    }
  }

  /** R11: a closed category's feature columns are emptied at once (the next refresh keeps them empty). */
  async clearCategories(tx: EntityManager, subjectRef: string, categories: TagCategory[]): Promise<void> {
    const columns = categories.flatMap((c) => FEATURE_COLUMNS_BY_CATEGORY[c] ?? []);
    if (columns.length === 0) return;
    await tx.query(
      `UPDATE member_features SET ${columns.map((c) => `${c} = NULL`).join(', ')} WHERE subject_ref = $1`,
      [subjectRef],
    );
  }
}

/** 'purpose:channel' for every channel: "this purpose on some channel" against members.grants. */
export const ON_ANY_CHANNEL = (purpose: string) =>
  `ARRAY[${CHANNELS.map((c) => `'${purpose}:${c}'`).join(', ')}]`;

/**
 * The member may be profiled now: the personalisation consent is active on some channel (R11). Read
 * from the members row's copy of its consents (one index probe; a join with member_consents read
 * every personalisation row of the brand for each tag of a refresh batch).
 */
export const PROFILED = (subject: string) =>
  `EXISTS (SELECT 1 FROM members pm WHERE pm.subject_ref = ${subject} AND pm.grants && ${ON_ANY_CHANNEL('personalisation')})`;
