import type { EntityManager } from 'typeorm';
import { CHANNELS, type TagCategory } from '@siyu/contracts';
import type { SqlParams } from '../rule-language/compile-rule';

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
 * Inside the refresh statement, the batch's inputs read once (see batchInputsSql): member rows
 * (with their consent and closed-category copies), released facts, and one row per fact and
 * product category.
 */
export const BATCH = { members: 'bm', facts: 'bf', factCategories: 'bfc' } as const;

/**
 * The CTEs that read a refresh batch's inputs, each once: every feature and fact tag of the batch is
 * then computed from these rows in the same statement, instead of each statement probing `members`
 * and `released_facts` again (the profile at 100k: ~0.5 s per tag statement, most of it re-reading
 * the batch's 30,000 facts and hashing every member row for its guards).
 */
export function batchInputsSql(batch: string): string[] {
  return [
    `${BATCH.members} AS MATERIALIZED (SELECT subject_ref, brand_id, joined_at, grants, closed_categories
        FROM members WHERE subject_ref = ANY(${batch}::uuid[]))`,
    `${BATCH.facts} AS MATERIALIZED (SELECT rf.* FROM released_facts rf WHERE rf.subject_ref = ANY(${batch}::uuid[]))`,
    `${BATCH.factCategories} AS MATERIALIZED (SELECT f.*, c FROM ${BATCH.facts} f, unnest(f.categories) c)`,
  ];
}

/**
 * The aggregate SELECT of member features as of `asOf` (a bind parameter name like `$2`) over the
 * facts matching `scope` (a condition on `rf` and `m`). Training reads it at a cut-off from the
 * tables; the refresh from its batch's rows (`batch`: categories are then joined by the caller, a
 * correlated subquery would rescan the batch per member).
 * Sensitive facts never feed features (R2): they feed only sensitive tags.
 */
export function featureSelect(asOf: string, scope: string, batch = false): string {
  const within = (days: number) => `rf.ordered_at > ${asOf}::timestamptz - interval '${days} days'`;
  const categories = batch
    ? 'NULL::text[]'
    : `COALESCE((SELECT array_agg(DISTINCT c ORDER BY c) FROM released_facts r2, unnest(r2.categories) c
                    WHERE r2.subject_ref = rf.subject_ref AND NOT r2.sensitive AND r2.ordered_at <= ${asOf}::timestamptz
                      AND r2.ordered_at > ${asOf}::timestamptz - interval '365 days'), '{}')`;
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
         ${categories} AS categories_365d,
         array_agg(DISTINCT rf.release_id) AS release_ids
    FROM ${batch ? BATCH.facts : 'released_facts'} rf
    JOIN ${batch ? BATCH.members : 'members'} m ON m.subject_ref = rf.subject_ref
   WHERE ${scope} AND NOT rf.sensitive AND rf.ordered_at <= ${asOf}::timestamptz
   GROUP BY rf.subject_ref`;
}

const FEATURE_COLUMNS = [
  'first_order_at',
  'last_order_at',
  'recency_days',
  'orders_total',
  'orders_30d',
  'orders_90d',
  'orders_180d',
  'orders_365d',
  'monetary_total_cents',
  'monetary_90d_cents',
  'monetary_365d_cents',
  'night_share',
  'hour_band',
  'categories_365d',
];

/** What a member_features row holds, besides its key and brand. */
const FEATURE_ROW_COLUMNS = [...FEATURE_COLUMNS, 'release_ids'];

/**
 * The refresh batch's features as rows, computed over the batch's rows (batchInputsSql): members with
 * the personalisation consent and at least one fact get a row, the others none. The columns of a
 * category the member closed are empty (R11: deleted, not hidden). Written by writeFeaturesSql.
 */
export function featureRowsSql(params: SqlParams): string {
  const asOf = params.add(new Date().toISOString());
  const closedOf = new Map<string, string>();
  for (const [category, columns] of Object.entries(FEATURE_COLUMNS_BY_CATEGORY)) {
    const p = params.add(category);
    for (const c of columns) closedOf.set(c, p);
  }
  const value = (c: string) => {
    const v = c === 'categories_365d' ? `COALESCE(cat.categories, '{}')` : `x.${c}`;
    const closed = closedOf.get(c);
    return `${closed ? `CASE WHEN b.closed_categories @> ARRAY[${closed}::text] THEN NULL ELSE ${v} END` : v} AS ${c}`;
  };
  return `SELECT x.subject_ref, x.brand_id, ${FEATURE_COLUMNS.map(value).join(', ')}, x.release_ids
      FROM (${featureSelect(asOf, `m.grants && ${ON_ANY_CHANNEL('personalisation')}`, true)}) x
      JOIN ${BATCH.members} b ON b.subject_ref = x.subject_ref
      LEFT JOIN (SELECT r2.subject_ref, array_agg(DISTINCT r2.c ORDER BY r2.c) AS categories
                   FROM ${BATCH.factCategories} r2
                  WHERE NOT r2.sensitive AND r2.ordered_at <= ${asOf}::timestamptz
                    AND r2.ordered_at > ${asOf}::timestamptz - interval '365 days'
                  GROUP BY r2.subject_ref) cat ON cat.subject_ref = x.subject_ref`;
}

/**
 * CTEs that write the batch's features by difference from `rows` (a materialised CTE of
 * featureRowsSql): the batch's stored rows are read once by primary key; a row is written only
 * where a value differs from the stored one — updated in place by the ctid that read found — or
 * inserted where none is stored, and the features
 * of batch members left without any are deleted. Unchanged rows are not touched: no dead tuple, no
 * index entry, no WAL. `features_written` / `features_gone` count them.
 */
export function writeFeaturesSql(rows: string, batch: string): string[] {
  const cols = FEATURE_ROW_COLUMNS;
  const list = (alias: string) => cols.map((c) => `${alias}.${c}`).join(', ');
  return [
    // The batch's stored rows, read once by primary key, each with its ctid (see writeTagsSql).
    `features_stored AS MATERIALIZED (SELECT f.ctid AS at, f.subject_ref, f.brand_id, ${list('f')} FROM member_features f
        WHERE f.subject_ref = ANY(${batch}::uuid[]))`,
    `features_changed AS MATERIALIZED (SELECT n.*, s.at FROM ${rows} n LEFT JOIN features_stored s ON s.subject_ref = n.subject_ref
        WHERE s.at IS NULL OR (s.brand_id, ${list('s')}) IS DISTINCT FROM (n.brand_id, ${list('n')}))`,
    `features_updated AS (UPDATE member_features f SET brand_id = c.brand_id,
           ${cols.map((c) => `${c} = c.${c}`).join(', ')}, computed_at = now()
        FROM features_changed c
        WHERE f.ctid = ANY(ARRAY(SELECT at FROM features_changed WHERE at IS NOT NULL)) AND f.ctid = c.at
        RETURNING 1)`,
    `features_inserted AS (INSERT INTO member_features (subject_ref, brand_id, ${cols.join(', ')})
        SELECT subject_ref, brand_id, ${cols.join(', ')} FROM features_changed WHERE at IS NULL
        RETURNING 1)`,
    `features_written AS (SELECT 1 FROM features_updated UNION ALL SELECT 1 FROM features_inserted)`,
    `features_gone AS (DELETE FROM member_features f
        WHERE f.ctid = ANY(ARRAY(SELECT s.at FROM features_stored s
                                  WHERE NOT EXISTS (SELECT 1 FROM ${rows} n WHERE n.subject_ref = s.subject_ref)))
        RETURNING 1)`,
  ];
}

export class MemberFeaturesRepository {
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
