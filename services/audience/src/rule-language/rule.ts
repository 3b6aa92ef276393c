import { CHANNELS, PURPOSES, type Channel, type Purpose, type TagCategory } from '@siyu/contracts';

/**
 * The segment (and model-tag) rule language: a JSON tree. Marketers write it in the console or the
 * API; `validateRule` names every problem by its JSON path; `compileRule` turns it into one
 * parameterised SQL condition (values never spliced).
 */
export type Scalar = number | string;
export const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'between'] as const;
export type Op = (typeof OPS)[number];

export type Rule =
  | { and: Rule[] }
  | { or: Rule[] }
  | { not: Rule }
  | { tag: string; op?: Op; value?: Scalar | Scalar[] }
  | { feature: FeatureName; op: Op; value: Scalar | Scalar[] }
  | { member: MemberField; op: Op; value: number | number[] }
  | { bought: { withinDays?: number; category?: string; skuPrefix?: string; atLeast?: number } }
  | { noOrderWithinDays: number }
  | { consent: { channel: Channel; purpose?: Purpose } };

/** Fact aggregates a rule may compare (member_features columns), with the tag category each belongs to. */
export const FEATURES = {
  recency_days: { type: 'number', category: 'purchase_preference' },
  orders_total: { type: 'number', category: 'purchase_preference' },
  orders_30d: { type: 'number', category: 'purchase_preference' },
  orders_90d: { type: 'number', category: 'purchase_preference' },
  orders_180d: { type: 'number', category: 'purchase_preference' },
  orders_365d: { type: 'number', category: 'purchase_preference' },
  monetary_total_cents: { type: 'number', category: 'spending_power' },
  monetary_90d_cents: { type: 'number', category: 'spending_power' },
  monetary_365d_cents: { type: 'number', category: 'spending_power' },
  night_share: { type: 'number', category: 'active_hours' },
  hour_band: { type: 'text', category: 'active_hours' },
} as const satisfies Record<string, { type: 'number' | 'text'; category: TagCategory }>;
export type FeatureName = keyof typeof FEATURES;
export const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];

export const MEMBER_FIELDS = ['joined_days_ago'] as const;
export type MemberField = (typeof MEMBER_FIELDS)[number];

/** What the validator and the compiler need to know about a tag. */
export interface TagInfo {
  key: string;
  version: number;
  category: TagCategory;
  valueType: 'number' | 'text' | 'presence';
  personalised: boolean;
  sensitive: boolean;
  spendingPower: boolean;
  /** Its own category and every category its inputs come from (a model tag over a 消费能力 tag). */
  categories: TagCategory[];
}

export const MAX_RULE_NODES = 200;
export const MAX_RULE_DEPTH = 10;
const MAX_DAYS = 3650;

export interface RuleProblem {
  path: string;
  message: string;
}

/** Every problem in the rule, each with its JSON path (`rule.and[1].tag`), or none. */
export function validateRule(rule: unknown, tags: Map<string, TagInfo>, root = 'rule'): RuleProblem[] {
  const problems: RuleProblem[] = [];
  let nodes = 0;
  const walk = (node: unknown, path: string, depth: number): void => {
    if (++nodes > MAX_RULE_NODES) {
      if (nodes === MAX_RULE_NODES + 1) problems.push({ path, message: `more than ${MAX_RULE_NODES} nodes` });
      return;
    }
    if (depth > MAX_RULE_DEPTH) {
      problems.push({ path, message: `nested deeper than ${MAX_RULE_DEPTH} levels` });
      return;
    }
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      problems.push({
        path,
        message:
          'must be an object with one of and, or, not, tag, feature, member, bought, noOrderWithinDays, consent',
      });
      return;
    }
    const n = node as Record<string, unknown>;
    const keys = Object.keys(n);
    const kind = keys.find((k) => KINDS.includes(k as Kind)) as Kind | undefined;
    if (!kind) {
      problems.push({
        path,
        message: `unknown node: expected one of ${KINDS.join(', ')}, got ${keys.join(', ') || 'nothing'}`,
      });
      return;
    }
    const allowed = ALLOWED_KEYS[kind];
    for (const k of keys)
      if (!allowed.includes(k))
        problems.push({ path: `${path}.${k}`, message: `not allowed in a "${kind}" node` });
    switch (kind) {
      case 'and':
      case 'or': {
        const items = n[kind];
        if (!Array.isArray(items) || items.length === 0) {
          problems.push({ path: `${path}.${kind}`, message: 'must be a non-empty array of rules' });
          return;
        }
        items.forEach((c, i) => walk(c, `${path}.${kind}[${i}]`, depth + 1));
        return;
      }
      case 'not':
        walk(n.not, `${path}.not`, depth + 1);
        return;
      case 'tag': {
        const key = n.tag;
        const tag = typeof key === 'string' ? tags.get(key) : undefined;
        if (!tag) {
          problems.push({ path: `${path}.tag`, message: `unknown tag ${JSON.stringify(key)}` });
          return;
        }
        if (n.op === undefined) {
          if (n.value !== undefined) problems.push({ path: `${path}.op`, message: 'a value needs an op' });
          return;
        }
        if (tag.valueType === 'presence') {
          problems.push({
            path: `${path}.op`,
            message: `tag "${tag.key}" is present or absent; use {"tag": "${tag.key}"} or not`,
          });
          return;
        }
        checkComparison(n.op, n.value, tag.valueType, `${path}`, problems);
        return;
      }
      case 'feature': {
        const f = FEATURES[n.feature as FeatureName];
        if (!f) {
          problems.push({
            path: `${path}.feature`,
            message: `unknown feature ${JSON.stringify(n.feature)}; one of ${FEATURE_NAMES.join(', ')}`,
          });
          return;
        }
        checkComparison(n.op, n.value, f.type, path, problems);
        return;
      }
      case 'member':
        if (!MEMBER_FIELDS.includes(n.member as MemberField)) {
          problems.push({
            path: `${path}.member`,
            message: `unknown member field ${JSON.stringify(n.member)}; one of ${MEMBER_FIELDS.join(', ')}`,
          });
          return;
        }
        checkComparison(n.op, n.value, 'number', path, problems);
        return;
      case 'bought': {
        const b = n.bought;
        if (typeof b !== 'object' || b === null || Array.isArray(b)) {
          problems.push({ path: `${path}.bought`, message: 'must be an object' });
          return;
        }
        const o = b as Record<string, unknown>;
        for (const k of Object.keys(o))
          if (!['withinDays', 'category', 'skuPrefix', 'atLeast'].includes(k))
            problems.push({
              path: `${path}.bought.${k}`,
              message: 'not allowed; use withinDays, category, skuPrefix, atLeast',
            });
        if (o.withinDays !== undefined) checkDays(o.withinDays, `${path}.bought.withinDays`, problems);
        if (
          o.atLeast !== undefined &&
          !(Number.isInteger(o.atLeast) && (o.atLeast as number) >= 1 && (o.atLeast as number) <= 10000)
        )
          problems.push({ path: `${path}.bought.atLeast`, message: 'must be an integer from 1 to 10000' });
        for (const k of ['category', 'skuPrefix'])
          if (
            o[k] !== undefined &&
            !(typeof o[k] === 'string' && (o[k] as string).length >= 1 && (o[k] as string).length <= 64)
          )
            problems.push({ path: `${path}.bought.${k}`, message: 'must be a string of 1 to 64 characters' });
        return;
      }
      case 'noOrderWithinDays':
        checkDays(n.noOrderWithinDays, `${path}.noOrderWithinDays`, problems);
        return;
      case 'consent': {
        const c = n.consent as Record<string, unknown> | null;
        if (typeof c !== 'object' || c === null) {
          problems.push({ path: `${path}.consent`, message: 'must be an object {channel, purpose?}' });
          return;
        }
        if (!CHANNELS.includes(c.channel as Channel))
          problems.push({
            path: `${path}.consent.channel`,
            message: `must be one of ${CHANNELS.join(', ')}`,
          });
        if (c.purpose !== undefined && !PURPOSES.includes(c.purpose as Purpose))
          problems.push({
            path: `${path}.consent.purpose`,
            message: `must be one of ${PURPOSES.join(', ')}`,
          });
        return;
      }
    }
  };
  walk(rule, root, 1);
  return problems;
}

type Kind = 'and' | 'or' | 'not' | 'tag' | 'feature' | 'member' | 'bought' | 'noOrderWithinDays' | 'consent';
const KINDS: Kind[] = [
  'and',
  'or',
  'not',
  'tag',
  'feature',
  'member',
  'bought',
  'noOrderWithinDays',
  'consent',
];
const ALLOWED_KEYS: Record<Kind, string[]> = {
  and: ['and'],
  or: ['or'],
  not: ['not'],
  tag: ['tag', 'op', 'value'],
  feature: ['feature', 'op', 'value'],
  member: ['member', 'op', 'value'],
  bought: ['bought'],
  noOrderWithinDays: ['noOrderWithinDays'],
  consent: ['consent'],
};

function checkDays(v: unknown, path: string, problems: RuleProblem[]): void {
  if (!(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_DAYS))
    problems.push({ path, message: `must be a whole number of days from 1 to ${MAX_DAYS}` });
}

function checkComparison(
  op: unknown,
  value: unknown,
  type: 'number' | 'text',
  path: string,
  problems: RuleProblem[],
): void {
  if (!OPS.includes(op as Op)) {
    problems.push({ path: `${path}.op`, message: `must be one of ${OPS.join(', ')}` });
    return;
  }
  const scalarOk = (v: unknown) =>
    type === 'number'
      ? typeof v === 'number' && Number.isFinite(v)
      : typeof v === 'string' && v.length <= 200;
  const what = type === 'number' ? 'a finite number' : 'a string of at most 200 characters';
  if (op === 'in') {
    if (!Array.isArray(value) || value.length === 0 || value.length > 100 || !value.every(scalarOk))
      problems.push({
        path: `${path}.value`,
        message: `"in" needs an array of 1 to 100 values, each ${what}`,
      });
  } else if (op === 'between') {
    if (
      type !== 'number' ||
      !Array.isArray(value) ||
      value.length !== 2 ||
      !value.every(scalarOk) ||
      value[0] > value[1]
    )
      problems.push({
        path: `${path}.value`,
        message: '"between" needs [low, high] numbers with low ≤ high',
      });
  } else if (type === 'text' && !['eq', 'ne'].includes(op as string)) {
    problems.push({ path: `${path}.op`, message: 'text values compare with eq, ne or in only' });
  } else if (!scalarOk(value)) {
    problems.push({ path: `${path}.value`, message: `must be ${what}` });
  }
}

/** Tag keys a rule refers to, in order of appearance. */
export function tagsIn(rule: Rule): string[] {
  const out: string[] = [];
  const walk = (n: Rule): void => {
    if ('and' in n) n.and.forEach(walk);
    else if ('or' in n) n.or.forEach(walk);
    else if ('not' in n) walk(n.not);
    else if ('tag' in n && !out.includes(n.tag)) out.push(n.tag);
  };
  walk(rule);
  return out;
}
