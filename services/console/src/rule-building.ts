// The audience rule language as the console builds it (no React here: tested without a browser).
/** The audience rule language (services/audience/src/rule-language/rule.ts): a JSON tree. */
export type RuleValue = Record<string, unknown>;

export const FEATURES = [
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
] as const;
export const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'between'] as const;
export const KINDS = ['tag', 'feature', 'bought', 'noOrderWithinDays', 'member', 'consent'] as const;
export const CHANNELS = ['sms', 'wechat', 'wecom'] as const;
export type Kind = (typeof KINDS)[number];

export interface Condition {
  kind: Kind;
  negate: boolean;
  name?: string;
  op?: string;
  value?: string;
  withinDays?: number | null;
  category?: string;
  atLeast?: number | null;
  days?: number | null;
  channel?: string;
}

/** "5" → 5, "a, b" → ["a", "b"] (for in/between), text stays text. */
function parseValue(op: string | undefined, raw: string | undefined): unknown {
  const one = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s.trim());
  if (op === 'in' || op === 'between')
    return (raw ?? '')
      .split(/[,，]/)
      .filter((s) => s.trim())
      .map(one);
  return one(raw ?? '');
}

export function conditionToRule(c: Condition): RuleValue {
  let node: RuleValue;
  switch (c.kind) {
    case 'tag':
      node = c.op ? { tag: c.name, op: c.op, value: parseValue(c.op, c.value) } : { tag: c.name };
      break;
    case 'feature':
      node = { feature: c.name, op: c.op, value: parseValue(c.op, c.value) };
      break;
    case 'member':
      node = { member: 'joined_days_ago', op: c.op, value: parseValue(c.op, c.value) };
      break;
    case 'bought': {
      const b: Record<string, unknown> = {};
      if (c.withinDays) b.withinDays = c.withinDays;
      if (c.category) b.category = c.category;
      if (c.atLeast) b.atLeast = c.atLeast;
      node = { bought: b };
      break;
    }
    case 'noOrderWithinDays':
      node = { noOrderWithinDays: c.days };
      break;
    case 'consent':
      node = { consent: { channel: c.channel } };
      break;
  }
  return c.negate ? { not: node } : node;
}

/** The rule tree for a list of conditions joined by and/or; none → no rule (a broadcast). */
export function toRule(combinator: 'and' | 'or', conditions: Condition[]): RuleValue | undefined {
  if (conditions.length === 0) return undefined;
  return { [combinator]: conditions.map(conditionToRule) };
}

/** Tag keys a rule refers to (its lineage upwards), in order of appearance. */
export function tagKeysIn(rule: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (Array.isArray(o.and)) o.and.forEach(walk);
    else if (Array.isArray(o.or)) o.or.forEach(walk);
    else if (o.not) walk(o.not);
    else if (typeof o.tag === 'string' && !out.includes(o.tag)) out.push(o.tag);
  };
  walk(rule);
  return out;
}
