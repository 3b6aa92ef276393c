import { TAG_CATEGORIES, type TagCategory } from '@siyu/contracts';
import {
  FEATURES,
  tagsIn,
  validateRule,
  type FeatureName,
  type Rule,
  type RuleProblem,
  type TagInfo,
} from '../rule-language/rule';

/** Fact tags: statistics over the member's released facts (layer 1). */
export type FactMeasure =
  | { measure: 'recency_days' }
  | { measure: 'first_order_days_ago' }
  | { measure: 'order_count'; windowDays?: number; category?: string; skuPrefix?: string }
  | { measure: 'monetary_cents'; windowDays?: number; category?: string; skuPrefix?: string }
  | { measure: 'top_category'; windowDays?: number }
  | { measure: 'top_platform'; windowDays?: number }
  | { measure: 'hour_share'; fromHour: number; toHour: number; windowDays?: number }
  | { measure: 'hour_band'; windowDays?: number }
  | {
      measure: 'rfm';
      windowDays?: number;
      /** Ascending day thresholds: fewer than [0] days since the last order is R5, … , ≥ [3] is R1. */
      recencyDays?: number[];
      /** Ascending order counts in the window: ≥ [3] orders is F5, … , fewer than [0] is F1. */
      frequency?: number[];
      /** Ascending amounts (cents) in the window, like frequency. */
      monetaryCents?: number[];
    };

export const FACT_MEASURES = [
  'recency_days',
  'first_order_days_ago',
  'order_count',
  'monetary_cents',
  'top_category',
  'top_platform',
  'hour_share',
  'hour_band',
  'rfm',
] as const;

/** Prediction tags: a model over fact aggregates, trained on the brand's own released facts (layer 3). */
export interface PredictionSpec {
  model: 'repurchase_logistic';
  /** Label: ordered again within this many days after the cut-off. */
  horizonDays: number;
  features: FeatureName[];
}

export const PREDICTION_FEATURES: FeatureName[] = [
  'recency_days',
  'orders_total',
  'orders_90d',
  'orders_365d',
  'monetary_365d_cents',
  'night_share',
];

export type Layer = 'fact' | 'model' | 'prediction';

export interface TagDefinition {
  brandId: string;
  key: string;
  version: number;
  layer: Layer;
  category: TagCategory;
  personalised: boolean;
  sensitive: boolean;
  spendingPower: boolean;
  labels: { 'zh-CN': string; en: string };
  fact?: FactMeasure;
  model?: { rule: Rule };
  prediction?: PredictionSpec;
}

export type TagDefinitionInput = Omit<TagDefinition, 'brandId' | 'version'>;

export function valueTypeOf(d: Pick<TagDefinition, 'layer' | 'fact'>): TagInfo['valueType'] {
  if (d.layer === 'model') return 'presence';
  if (d.layer === 'prediction') return 'number';
  return ['top_category', 'top_platform', 'hour_band', 'rfm'].includes(d.fact!.measure) ? 'text' : 'number';
}

/** Its own category plus those of everything it is computed from (fact tags: their own only). */
export function categoriesOf(
  d: TagDefinition,
  byKey: Map<string, TagDefinition>,
  seen = new Set<string>(),
): TagCategory[] {
  const out = new Set<TagCategory>([d.category]);
  if (seen.has(d.key)) return [...out];
  seen.add(d.key);
  if (d.model) {
    for (const key of tagsIn(d.model.rule)) {
      const up = byKey.get(key);
      if (up) categoriesOf(up, byKey, seen).forEach((c) => out.add(c));
    }
    for (const c of featureCategories(d.model.rule)) out.add(c);
  }
  if (d.prediction) for (const f of d.prediction.features) out.add(FEATURES[f].category);
  return [...out];
}

function featureCategories(rule: Rule): TagCategory[] {
  if ('and' in rule) return rule.and.flatMap(featureCategories);
  if ('or' in rule) return rule.or.flatMap(featureCategories);
  if ('not' in rule) return featureCategories(rule.not);
  if ('feature' in rule) return [FEATURES[rule.feature].category];
  if ('bought' in rule || 'noOrderWithinDays' in rule) return ['purchase_preference'];
  return [];
}

export function tagInfo(d: TagDefinition, byKey: Map<string, TagDefinition> = new Map()): TagInfo {
  return {
    categories: categoriesOf(d, byKey),
    key: d.key,
    version: d.version,
    category: d.category,
    valueType: valueTypeOf(d),
    personalised: d.personalised,
    sensitive: d.sensitive,
    spendingPower: d.spendingPower,
  };
}

const isInt = (v: unknown, lo: number, hi: number) =>
  Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
const isText = (v: unknown, max: number) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

/**
 * Every problem with a tag definition, by path. `existing` are the brand's current tags (a model
 * rule may refer to fact and model tags only); `sensitiveProductCategories` come from the catalogue.
 */
export function validateTagDefinition(
  raw: unknown,
  existing: Map<string, TagInfo & { layer: Layer }>,
  sensitiveProductCategories: Set<string>,
): RuleProblem[] {
  const p: RuleProblem[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return [{ path: 'tag', message: 'must be an object' }];
  const d = raw as Record<string, unknown>;
  const allowed = [
    'key',
    'labels',
    'category',
    'personalised',
    'sensitive',
    'spendingPower',
    'layer',
    'fact',
    'model',
    'prediction',
  ];
  for (const k of Object.keys(d))
    if (!allowed.includes(k)) p.push({ path: k, message: `unknown field; allowed: ${allowed.join(', ')}` });
  if (!(typeof d.key === 'string' && /^[a-z][a-z0-9_]{0,47}$/.test(d.key)))
    p.push({ path: 'key', message: 'must match ^[a-z][a-z0-9_]{0,47}$ (e.g. "night_owl")' });
  const labels = d.labels as Record<string, unknown> | undefined;
  if (typeof labels !== 'object' || labels === null)
    p.push({ path: 'labels', message: 'must be {"zh-CN": "…", "en": "…"}' });
  else
    for (const l of ['zh-CN', 'en'])
      if (!isText(labels[l], 60)) p.push({ path: `labels.${l}`, message: 'must be 1 to 60 characters' });
  if (!TAG_CATEGORIES.includes(d.category as TagCategory))
    p.push({ path: 'category', message: `must be one of ${TAG_CATEGORIES.join(', ')}` });
  for (const f of ['personalised', 'sensitive', 'spendingPower'])
    if (d[f] !== undefined && typeof d[f] !== 'boolean')
      p.push({ path: f, message: 'must be true or false' });
  const sensitive = d.sensitive === true;
  const spending = d.spendingPower === true;
  const needs = { sensitive: false, spending: d.category === 'spending_power' };
  switch (d.layer) {
    case 'fact': {
      if (d.model !== undefined || d.prediction !== undefined)
        p.push({ path: 'layer', message: 'a fact tag has "fact" only' });
      const f = d.fact as Record<string, unknown> | undefined;
      if (typeof f !== 'object' || f === null) {
        p.push({ path: 'fact', message: `must be an object with a measure (${FACT_MEASURES.join(', ')})` });
        break;
      }
      validateFact(f, p, sensitiveProductCategories, needs);
      break;
    }
    case 'model': {
      if (d.fact !== undefined || d.prediction !== undefined)
        p.push({ path: 'layer', message: 'a model tag has "model" only' });
      const m = d.model as { rule?: unknown } | undefined;
      const usable = new Map([...existing].filter(([, t]) => t.layer !== 'prediction' && t.key !== d.key));
      if (typeof m !== 'object' || m === null) {
        p.push({ path: 'model', message: 'must be {"rule": …}' });
        break;
      }
      const problems = validateRule(m.rule, usable, 'model.rule');
      for (const k of problems) {
        if (
          k.message.startsWith('unknown tag') &&
          existing.get(String((m.rule as { tag?: unknown })?.tag))?.layer === 'prediction'
        )
          k.message += ' (model tags use fact and model tags)';
      }
      p.push(...problems);
      if (problems.length === 0) {
        for (const key of tagsIn(m.rule as Rule)) {
          const t = usable.get(key)!;
          if (t.sensitive) needs.sensitive = true;
          if (t.spendingPower) needs.spending = true;
        }
        if (hasSpendingFeature(m.rule as Rule)) needs.spending = true;
      }
      break;
    }
    case 'prediction': {
      if (d.fact !== undefined || d.model !== undefined)
        p.push({ path: 'layer', message: 'a prediction tag has "prediction" only' });
      const s = d.prediction as Record<string, unknown> | undefined;
      if (typeof s !== 'object' || s === null) {
        p.push({
          path: 'prediction',
          message: 'must be {"model": "repurchase_logistic", "horizonDays": 90, "features": [...]}',
        });
        break;
      }
      if (s.model !== 'repurchase_logistic')
        p.push({ path: 'prediction.model', message: 'must be "repurchase_logistic"' });
      if (!isInt(s.horizonDays, 7, 365))
        p.push({ path: 'prediction.horizonDays', message: 'must be a whole number of days from 7 to 365' });
      const feats = s.features;
      if (
        !Array.isArray(feats) ||
        feats.length === 0 ||
        feats.some((x) => !PREDICTION_FEATURES.includes(x as FeatureName)) ||
        new Set(feats).size !== feats.length
      )
        p.push({
          path: 'prediction.features',
          message: `must be distinct names from ${PREDICTION_FEATURES.join(', ')}`,
        });
      else if (feats.some((x) => FEATURES[x as FeatureName].category === 'spending_power'))
        needs.spending = true;
      break;
    }
    default:
      p.push({ path: 'layer', message: 'must be "fact", "model" or "prediction"' });
  }
  // The flags are promises to the customer (R2, R13): they cannot understate what the tag uses.
  if (needs.sensitive && !sensitive)
    p.push({
      path: 'sensitive',
      message: 'must be true: the tag is derived from a sensitive category or tag (R2)',
    });
  if (needs.spending && !spending)
    p.push({ path: 'spendingPower', message: 'must be true: the tag measures or uses spending (R13)' });
  if (d.personalised === false && (d.layer === 'model' || d.layer === 'prediction'))
    p.push({ path: 'personalised', message: 'model and prediction tags are always personalised' });
  return p;
}

function hasSpendingFeature(rule: Rule): boolean {
  if ('and' in rule) return rule.and.some(hasSpendingFeature);
  if ('or' in rule) return rule.or.some(hasSpendingFeature);
  if ('not' in rule) return hasSpendingFeature(rule.not);
  return 'feature' in rule && FEATURES[rule.feature]?.category === 'spending_power';
}

function validateFact(
  f: Record<string, unknown>,
  p: RuleProblem[],
  sensitiveProductCategories: Set<string>,
  needs: { sensitive: boolean; spending: boolean },
): void {
  const measure = f.measure as string;
  if (!FACT_MEASURES.includes(measure as (typeof FACT_MEASURES)[number])) {
    p.push({ path: 'fact.measure', message: `must be one of ${FACT_MEASURES.join(', ')}` });
    return;
  }
  const keys: Record<string, string[]> = {
    recency_days: [],
    first_order_days_ago: [],
    order_count: ['windowDays', 'category', 'skuPrefix'],
    monetary_cents: ['windowDays', 'category', 'skuPrefix'],
    top_category: ['windowDays'],
    top_platform: ['windowDays'],
    hour_share: ['fromHour', 'toHour', 'windowDays'],
    hour_band: ['windowDays'],
    rfm: ['windowDays', 'recencyDays', 'frequency', 'monetaryCents'],
  };
  for (const k of Object.keys(f))
    if (k !== 'measure' && !keys[measure].includes(k))
      p.push({
        path: `fact.${k}`,
        message: `not used by "${measure}"${keys[measure].length ? `; allowed: ${keys[measure].join(', ')}` : ''}`,
      });
  if (f.windowDays !== undefined && !isInt(f.windowDays, 1, 3650))
    p.push({ path: 'fact.windowDays', message: 'must be a whole number of days from 1 to 3650' });
  for (const k of ['category', 'skuPrefix'])
    if (f[k] !== undefined && !isText(f[k], 64))
      p.push({ path: `fact.${k}`, message: 'must be 1 to 64 characters' });
  if (typeof f.category === 'string' && sensitiveProductCategories.has(f.category)) needs.sensitive = true;
  if (measure === 'monetary_cents' || measure === 'rfm') needs.spending = true;
  if (measure === 'hour_share') {
    if (!isInt(f.fromHour, 0, 23))
      p.push({ path: 'fact.fromHour', message: 'must be an hour from 0 to 23 (China time)' });
    if (!isInt(f.toHour, 0, 24))
      p.push({ path: 'fact.toHour', message: 'must be an hour from 0 to 24 (China time, exclusive)' });
  }
  if (measure === 'rfm') {
    for (const k of ['recencyDays', 'frequency', 'monetaryCents']) {
      const v = f[k];
      if (v === undefined) continue;
      if (
        !Array.isArray(v) ||
        v.length !== 4 ||
        !v.every((x, i) => Number.isInteger(x) && x >= 0 && (i === 0 || x > v[i - 1]))
      )
        p.push({ path: `fact.${k}`, message: 'must be 4 ascending whole numbers (the bucket thresholds)' });
    }
  }
}
