import type { EntityManager } from 'typeorm';
import type { TagCategory } from '@siyu/contracts';
import {
  BATCH,
  batchInputsSql,
  featureRowsSql,
  HOUR_BAND_SQL,
  ON_ANY_CHANNEL,
  writeFeaturesSql,
} from '../features/member-features.repository';
import { compileRule, SqlParams, type CompileContext } from '../rule-language/compile-rule';
import { FEATURES, type FeatureName, type Rule } from '../rule-language/rule';
import type { FactMeasure, TagDefinition } from './tag-definition';

/** A trained model as scoring needs it (see logistic-regression.ts). */
export interface StoredModel {
  modelVersion: number;
  features: FeatureName[];
  intercept: number;
  weights: number[];
  means: number[];
  stds: number[];
}

export interface MemberTagRow {
  tagKey: string;
  tagVersion: number;
  category: TagCategory;
  valueNum: number | null;
  valueText: string | null;
  inputs: Record<string, unknown>;
  computedAt: string;
}

export const RFM_DEFAULTS = {
  recencyDays: [30, 90, 180, 365],
  frequency: [2, 3, 5, 8],
  monetaryCents: [10000, 30000, 80000, 200000],
};

/** The model input of a feature: spending on a log scale, everything else as is. */
export const modelInput = (feature: FeatureName, column: string) =>
  feature.startsWith('monetary')
    ? `ln(1 + ${column}::double precision / 100)`
    : `${column}::double precision`;

/** Rows a tag statement computes, before writeTagsSql compares them with what is stored. */
const ROW = (p: SqlParams, d: TagDefinition) =>
  `${p.add(d.key)}::text AS tag_key, ${p.add(d.version)}::int AS tag_version, ${p.add(d.category)}::text AS category`;

/** How many rows a refresh statement wrote (changed or new) and deleted; unchanged rows are not touched. */
export interface RowsWritten {
  written: number;
  deleted: number;
}

/**
 * CTEs that write one layer's tag rows by difference: `rows` (a materialised CTE of subject_ref,
 * brand_id, tag_key, tag_version, category, value_num, value_text, inputs) is compared with the stored
 * rows of the batch; only new rows and rows whose version, value or inputs differ are written, and
 * the layer's tags of batch members that no longer have them are deleted.
 */
function writeTagsSql(name: string, rows: string, keys: string, batch: string): string[] {
  const cols = ['brand_id', 'tag_version', 'category', 'value_num', 'value_text', 'inputs'];
  const list = (alias: string) => cols.map((c) => `${alias}.${c}`).join(', ');
  return [
    // The batch's stored rows of these tags, read once by primary key (never a scan of the table),
    // each with its ctid: a changed row is updated in place and a vanished one deleted by ctid.
    `${name}_stored AS MATERIALIZED (SELECT t.ctid AS at, t.subject_ref, t.tag_key, ${list('t')} FROM member_tags t
        WHERE t.subject_ref = ANY(${batch}::uuid[]) AND t.tag_key = ANY(${keys}::text[]))`,
    `${name}_changed AS MATERIALIZED (SELECT n.*, s.at FROM ${rows} n
        LEFT JOIN ${name}_stored s ON s.subject_ref = n.subject_ref AND s.tag_key = n.tag_key
        WHERE s.at IS NULL OR (${list('s')}) IS DISTINCT FROM (${list('n')}))`,
    `${name}_updated AS (UPDATE member_tags t SET ${cols.map((c) => `${c} = c.${c}`).join(', ')}, computed_at = now()
        FROM ${name}_changed c
        WHERE t.ctid = ANY(ARRAY(SELECT at FROM ${name}_changed WHERE at IS NOT NULL)) AND t.ctid = c.at
        RETURNING 1)`,
    `${name}_inserted AS (INSERT INTO member_tags (subject_ref, tag_key, ${cols.join(', ')})
        SELECT subject_ref, tag_key, ${cols.join(', ')} FROM ${name}_changed WHERE at IS NULL
        RETURNING 1)`,
    `${name}_written AS (SELECT 1 FROM ${name}_updated UNION ALL SELECT 1 FROM ${name}_inserted)`,
    `${name}_gone AS (DELETE FROM member_tags t
        WHERE t.ctid = ANY(ARRAY(SELECT s.at FROM ${name}_stored s
                                  WHERE NOT EXISTS (SELECT 1 FROM ${rows} n WHERE n.subject_ref = s.subject_ref AND n.tag_key = s.tag_key)))
        RETURNING 1)`,
  ];
}

/** One layer's rows for the batch, written by difference; answers what was written and deleted. */
function layerStatement(ctes: string[], rowsSql: string, keys: string, batch: string): string {
  return `WITH ${[...ctes, `tag_rows AS MATERIALIZED (${rowsSql})`, ...writeTagsSql('tags', 'tag_rows', keys, batch)].join(',\n')}
    SELECT (SELECT count(*) FROM tags_written)::int AS written, (SELECT count(*) FROM tags_gone)::int AS deleted`;
}

/**
 * Guards every computed tag carries: a profiling consent, not a closed category, R2 for sensitive
 * tags; all read from the member row's copies (`gm`: members.grants / closed_categories).
 */
function tagGuards(d: TagDefinition, params: SqlParams, gm = 'gm'): string {
  const g = [
    `${gm}.grants && ${ON_ANY_CHANNEL('personalisation')}`,
    `NOT (${gm}.closed_categories && ARRAY[${params.add(d.category)}::text])`,
  ];
  if (d.sensitive) g.push(`${gm}.grants && ${ON_ANY_CHANNEL('sensitive_profiling')}`);
  return g.join(' AND ');
}

/**
 * Every fact tag's rows for the refresh batch from ONE aggregation over the batch's facts (read once
 * by batchInputsSql): each tag is a set of FILTERed aggregates in the same GROUP BY (its window,
 * category or SKU filter, and R2's "sensitive facts feed sensitive tags only"), then one row per
 * member and tag is unfolded, where the tag's guards hold (they are per member: profiling consent,
 * closed category, R2). Each row carries the orders and releases it used (lineage).
 */
function factTagsRowsSql(defs: TagDefinition[], params: SqlParams): string {
  const aggregates: string[] = [];
  const tags: string[] = [];
  const joins: string[] = [];
  defs.forEach((d, i) => {
    const f = d.fact!;
    const c: string[] = [d.sensitive ? 'true' : 'NOT rf.sensitive'];
    const base = c[0];
    if ('windowDays' in f && f.windowDays !== undefined)
      c.push(`rf.ordered_at > now() - make_interval(days => ${params.add(f.windowDays)})`);
    if ('category' in f && f.category !== undefined) c.push(`${params.add(f.category)} = ANY(rf.categories)`);
    if ('skuPrefix' in f && f.skuPrefix !== undefined)
      c.push(`EXISTS (SELECT 1 FROM unnest(rf.skus) s WHERE starts_with(s, ${params.add(f.skuPrefix)}))`);
    const F = c.join(' AND ');
    const { num, text } = measureSql(f, F, params, base);
    // RFM's recency looks at every order; its frequency and monetary at the window only.
    const N = f.measure === 'rfm' ? base : F;
    aggregates.push(
      `${num} AS vn_${i}, ${text} AS vt_${i}, count(*) FILTER (WHERE ${N}) AS n_${i},
       array_agg(rf.order_ref ORDER BY rf.ordered_at DESC) FILTER (WHERE ${N}) AS orders_${i},
       array_agg(DISTINCT rf.release_id) FILTER (WHERE ${N}) AS releases_${i}`,
    );
    let vt = `x.vt_${i}`;
    if (f.measure === 'top_category') {
      // The most frequent category: counted per member and category over the batch's fact ×
      // category rows, ties to the first by name (a correlated subquery would rescan the batch).
      joins.push(`LEFT JOIN (SELECT DISTINCT ON (rf.subject_ref) rf.subject_ref, rf.c
                      FROM ${BATCH.factCategories} rf WHERE ${F}
                     GROUP BY rf.subject_ref, rf.c ORDER BY rf.subject_ref, count(*) DESC, rf.c) tc_${i}
                ON tc_${i}.subject_ref = x.subject_ref`);
      vt = `tc_${i}.c`;
    }
    tags.push(
      `(${params.add(d.key)}::text, ${params.add(d.version)}::int, ${params.add(d.category)}::text,
        x.vn_${i}::double precision, (${vt})::text, x.n_${i}, x.orders_${i}, x.releases_${i},
        ${params.add(f.measure)}::text, ${tagGuards(d, params)})`,
    );
  });
  return `SELECT x.subject_ref, gm.brand_id, v.tag_key, v.tag_version, v.category, v.value_num, v.value_text,
             jsonb_build_object('measure', v.measure, 'orders', v.n,
                                'orderRefs', to_jsonb(v.orders[1:20]), 'releaseIds', to_jsonb(v.releases)) AS inputs
        FROM (SELECT rf.subject_ref, ${aggregates.join(',\n')}
                FROM ${BATCH.facts} rf GROUP BY rf.subject_ref) x
        JOIN ${BATCH.members} gm ON gm.subject_ref = x.subject_ref
        ${joins.join('\n')}
        CROSS JOIN LATERAL (VALUES ${tags.join(',\n')})
          v (tag_key, tag_version, category, value_num, value_text, n, orders, releases, measure, guarded)
       WHERE v.guarded AND v.n > 0 AND (v.value_num IS NOT NULL OR v.value_text IS NOT NULL)`;
}

export class MemberTagsRepository {
  /**
   * Sorts and hashes over a refresh batch's facts (tens of thousands of rows) stay in memory instead
   * of spilling to disk (the 4 MB default spilled every sort at 10,000 members). Transaction only.
   */
  async useRefreshMemory(tx: EntityManager): Promise<void> {
    await tx.query("SELECT set_config('work_mem', '64MB', true)");
  }

  /** R11: the tags of closed categories go at once, not at the next refresh. */
  async deleteCategories(tx: EntityManager, subjectRef: string, categories: TagCategory[]): Promise<void> {
    await tx.query('DELETE FROM member_tags WHERE subject_ref = $1 AND category = ANY($2::text[])', [
      subjectRef,
      categories,
    ]);
  }

  /** The batch's rows of these tags (a tag that cannot be computed now keeps no stale value). */
  async deleteKeysFor(tx: EntityManager, batch: string[], keys: string[]): Promise<void> {
    await tx.query(
      'DELETE FROM member_tags WHERE subject_ref = ANY($1::uuid[]) AND tag_key = ANY($2::text[])',
      [batch, keys],
    );
  }

  async deleteKeys(tx: EntityManager, subjectRef: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await tx.query('DELETE FROM member_tags WHERE subject_ref = $1 AND tag_key = ANY($2::text[])', [
      subjectRef,
      keys,
    ]);
  }

  /**
   * The batch's features and every fact tag in ONE statement: the batch's member rows and facts are
   * read once (batchInputsSql), features and fact tags are computed from them as rows, and each is
   * written by difference (writeFeaturesSql, writeTagsSql). Model and prediction tags come after
   * (they read these tags and features).
   */
  async computeFeaturesAndFactTags(
    tx: EntityManager,
    batch: string[],
    factTags: TagDefinition[],
  ): Promise<{ features: RowsWritten; tags: RowsWritten }> {
    const params = new SqlParams();
    const batchP = params.add(batch);
    const ctes = [
      ...batchInputsSql(batchP),
      `features_new AS MATERIALIZED (${featureRowsSql(params)})`,
      ...writeFeaturesSql('features_new', batchP),
    ];
    const counts = `(SELECT count(*) FROM features_written)::int AS features_written,
                    (SELECT count(*) FROM features_gone)::int AS features_deleted`;
    if (factTags.length === 0) {
      const [r] = await tx.query(`WITH ${ctes.join(',\n')} SELECT ${counts}`, params.values);
      return {
        features: { written: r.features_written, deleted: r.features_deleted },
        tags: { written: 0, deleted: 0 },
      };
    }
    const rows = factTagsRowsSql(factTags, params);
    const keysP = params.add(factTags.map((d) => d.key));
    const [r] = await tx.query(
      `WITH ${[...ctes, `tag_rows AS MATERIALIZED (${rows})`, ...writeTagsSql('tags', 'tag_rows', keysP, batchP)].join(',\n')}
       SELECT ${counts}, (SELECT count(*) FROM tags_written)::int AS written, (SELECT count(*) FROM tags_gone)::int AS deleted`,
      params.values,
    );
    return {
      features: { written: r.features_written, deleted: r.features_deleted },
      tags: { written: r.written, deleted: r.deleted },
    };
  }

  /** A model tag for a batch: present where its rule over fact/model tags and features holds. */
  async computeModelTag(
    tx: EntityManager,
    d: TagDefinition,
    batch: string[],
    ctx: CompileContext,
  ): Promise<RowsWritten> {
    const params = new SqlParams();
    const batchP = params.add(batch);
    const rule = d.model!.rule;
    const { root, usage } = compileRule(rule, ctx, params);
    const features = featuresIn(rule);
    const featureJson = features.length
      ? `jsonb_build_object(${features.map((x) => `'${x}', f.${x}`).join(', ')})`
      : `'{}'::jsonb`;
    const rows = `SELECT m.subject_ref, m.brand_id, ${ROW(params, d)}, 1::double precision AS value_num, NULL::text AS value_text,
             jsonb_build_object('rule', ${params.add(JSON.stringify(rule))}::jsonb,
               'tags', COALESCE((SELECT jsonb_object_agg(t.tag_key, jsonb_build_object('version', t.tag_version,
                                   'value', COALESCE(to_jsonb(t.value_text), to_jsonb(t.value_num))))
                                   FROM member_tags t WHERE t.subject_ref = m.subject_ref
                                    AND t.tag_key = ANY(${params.add(usage.tags.map((t) => t.key))}::text[])), '{}'::jsonb),
               'features', ${featureJson}) AS inputs
        FROM members m
        LEFT JOIN member_features f ON f.subject_ref = m.subject_ref AND f.subject_ref = ANY(${batchP}::uuid[])
       WHERE m.subject_ref = ANY(${batchP}::uuid[]) AND ${tagGuards(d, params, 'm')} AND ${root.memberSql}`;
    const [r] = await tx.query(layerStatement([], rows, params.add([d.key]), batchP), params.values);
    return r;
  }

  /**
   * A prediction tag for a batch: the stored logistic model scored in SQL, with per-feature
   * contributions. Features are read for the batch by key (joined on members alone, the plan hashed a
   * seq scan of every member's features).
   */
  async computePredictionTag(
    tx: EntityManager,
    d: TagDefinition,
    model: StoredModel,
    batch: string[],
  ): Promise<RowsWritten> {
    const params = new SqlParams();
    const batchP = params.add(batch);
    const terms = model.features.map((feat, i) => {
      const x = modelInput(feat, `f.${feat}`);
      return `(${params.add(model.weights[i])}::double precision * ((${x} - ${params.add(model.means[i])}::double precision) / ${params.add(model.stds[i])}::double precision))`;
    });
    const logit = `(${params.add(model.intercept)}::double precision + ${terms.join(' + ')})`;
    const contributions = model.features.map((feat, i) => `'${feat}', ${terms[i]}`).join(', ');
    const rows = `SELECT f.subject_ref, f.brand_id, ${ROW(params, d)},
             1 / (1 + exp(-${logit})) AS value_num, NULL::text AS value_text,
             jsonb_build_object('modelVersion', ${params.add(model.modelVersion)}::int, 'intercept', ${params.add(model.intercept)}::double precision,
                                'contributions', jsonb_build_object(${contributions}),
                                'features', jsonb_build_object(${model.features.map((x) => `'${x}', f.${x}`).join(', ')})) AS inputs
        FROM members gm JOIN member_features f ON f.subject_ref = gm.subject_ref
       WHERE gm.subject_ref = ANY(${batchP}::uuid[]) AND f.subject_ref = ANY(${batchP}::uuid[])
         AND ${tagGuards(d, params)}
         AND ${model.features.map((x) => `f.${x} IS NOT NULL`).join(' AND ')}`;
    const [r] = await tx.query(layerStatement([], rows, params.add([d.key]), batchP), params.values);
    return r;
  }

  async tagsOf(tx: EntityManager, subjectRef: string): Promise<MemberTagRow[]> {
    const rows: {
      tag_key: string;
      tag_version: number;
      category: TagCategory;
      value_num: number | null;
      value_text: string | null;
      inputs: Record<string, unknown>;
      computed_at: Date;
    }[] = await tx.query(
      `SELECT tag_key, tag_version, category, value_num, value_text, inputs, computed_at
         FROM member_tags WHERE subject_ref = $1 ORDER BY category, tag_key`,
      [subjectRef],
    );
    return rows.map((r) => ({
      tagKey: r.tag_key,
      tagVersion: r.tag_version,
      category: r.category,
      valueNum: r.value_num,
      valueText: r.value_text,
      inputs: r.inputs,
      computedAt: r.computed_at.toISOString(),
    }));
  }
}

/** A fact tag's value over a member's facts: `F` its filter, `base` the facts it may see at all (R2). */
function measureSql(
  f: FactMeasure,
  F: string,
  params: SqlParams,
  base: string,
): { num: string; text: string } {
  const days = (expr: string) => `floor(extract(epoch FROM now() - ${expr}) / 86400)`;
  switch (f.measure) {
    case 'recency_days':
      return { num: days('max(rf.ordered_at) FILTER (WHERE ' + F + ')'), text: 'NULL::text' };
    case 'first_order_days_ago':
      return { num: days('min(rf.ordered_at) FILTER (WHERE ' + F + ')'), text: 'NULL::text' };
    case 'order_count':
      return { num: `count(*) FILTER (WHERE ${F})`, text: 'NULL::text' };
    case 'monetary_cents':
      return { num: `sum(rf.amount_cents) FILTER (WHERE ${F})`, text: 'NULL::text' };
    case 'top_category':
      // Joined in by factTagInsertSql (per member and category).
      return { num: 'NULL::double precision', text: 'NULL::text' };
    case 'top_platform':
      // Facts released before the event carried a platform have none: they do not vote.
      return {
        num: 'NULL::double precision',
        text: `mode() WITHIN GROUP (ORDER BY rf.platform) FILTER (WHERE ${F} AND rf.platform IS NOT NULL)`,
      };
    case 'hour_share': {
      const from = params.add(f.fromHour);
      const to = params.add(f.toHour);
      const inBand = `CASE WHEN ${from}::int <= ${to}::int THEN rf.hour_cn >= ${from}::int AND rf.hour_cn < ${to}::int
                           ELSE rf.hour_cn >= ${from}::int OR rf.hour_cn < ${to}::int END`;
      return {
        num: `avg(CASE WHEN ${inBand} THEN 1.0 ELSE 0.0 END) FILTER (WHERE ${F})`,
        text: 'NULL::text',
      };
    }
    case 'hour_band':
      return {
        num: 'NULL::double precision',
        text: `mode() WITHIN GROUP (ORDER BY ${HOUR_BAND_SQL('rf.hour_cn')}) FILTER (WHERE ${F})`,
      };
    case 'rfm': {
      const r = `(5 - width_bucket(${days(`max(rf.ordered_at) FILTER (WHERE ${base})`)}, ${params.add(f.recencyDays ?? RFM_DEFAULTS.recencyDays)}::double precision[]))`;
      const fr = `(1 + width_bucket((count(*) FILTER (WHERE ${F}))::double precision, ${params.add(f.frequency ?? RFM_DEFAULTS.frequency)}::double precision[]))`;
      const mo = `(1 + width_bucket(COALESCE(sum(rf.amount_cents) FILTER (WHERE ${F}), 0)::double precision, ${params.add(f.monetaryCents ?? RFM_DEFAULTS.monetaryCents)}::double precision[]))`;
      return { num: `(${r} * 100 + ${fr} * 10 + ${mo})`, text: `format('R%sF%sM%s', ${r}, ${fr}, ${mo})` };
    }
  }
}

function featuresIn(rule: Rule): FeatureName[] {
  const out = new Set<FeatureName>();
  const walk = (n: Rule): void => {
    if ('and' in n) n.and.forEach(walk);
    else if ('or' in n) n.or.forEach(walk);
    else if ('not' in n) walk(n.not);
    else if ('feature' in n && n.feature in FEATURES) out.add(n.feature);
  };
  walk(rule);
  return [...out];
}
