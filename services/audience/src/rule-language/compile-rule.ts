import type { Channel, Purpose, TagCategory } from '@siyu/contracts';
import { FEATURES, type FeatureName, type Op, type Rule, type Scalar, type TagInfo } from './rule';

/** Bind parameters of one statement: every value becomes `$n`, nothing is spliced into SQL. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** One node of a compiled rule: its SQL condition (true/false, never NULL) and its children. */
export interface CompiledNode {
  path: string;
  rule: Rule;
  sql: string;
  children: CompiledNode[];
}

/** What a rule uses, so the segment query can add the guards it implies (R2, R11). */
export interface RuleUsage {
  tags: TagInfo[];
  /** Uses facts, features or a personalised tag: needs the personalisation consent. */
  profiling: boolean;
  /** Tag categories the rule selects by: a member who closed one is never selected by it. */
  categories: TagCategory[];
  /** Uses a sensitive tag or a sensitive product category: needs sensitive_profiling (R2). */
  sensitive: boolean;
  /** Selects by spending power (R13: may pick an audience, never vary price or offer). */
  spendingPower: boolean;
  usesFeatures: boolean;
}

export interface CompileContext {
  tags: Map<string, TagInfo>;
  /** Product categories the brand's catalogue marks sensitive (R2). */
  sensitiveProductCategories: Set<string>;
}

/**
 * Compiles a validated rule into conditions over `m` (members) and `f` (member_features, left
 * joined). Values go through `params`; identifiers come only from fixed maps in this file.
 */
export function compileRule(
  rule: Rule,
  ctx: CompileContext,
  params: SqlParams,
): { root: CompiledNode; usage: RuleUsage } {
  const usage: RuleUsage = {
    tags: [],
    profiling: false,
    categories: [],
    sensitive: false,
    spendingPower: false,
    usesFeatures: false,
  };
  const category = (c: TagCategory) => {
    if (!usage.categories.includes(c)) usage.categories.push(c);
  };

  const node = (r: Rule, path: string): CompiledNode => {
    if ('and' in r || 'or' in r) {
      const op = 'and' in r ? 'and' : 'or';
      const children = ('and' in r ? r.and : (r as { or: Rule[] }).or).map((c, i) =>
        node(c, `${path}.${op}[${i}]`),
      );
      return {
        path,
        rule: r,
        sql: `(${children.map((c) => c.sql).join(op === 'and' ? ' AND ' : ' OR ')})`,
        children,
      };
    }
    if ('not' in r) {
      const child = node(r.not, `${path}.not`);
      return { path, rule: r, sql: `(NOT ${child.sql})`, children: [child] };
    }
    // EXISTS is never NULL and stays a plain (anti/semi-)join for the planner; comparisons on
    // nullable columns are made two-valued so that `not` means "not matched".
    const sql = leaf(r);
    const twoValued = 'feature' in r ? `COALESCE(${sql}, false)` : sql;
    return { path, rule: r, sql: twoValued, children: [] };
  };

  const leaf = (r: Rule): string => {
    if ('tag' in r) {
      const tag = ctx.tags.get(r.tag);
      if (!tag) throw new Error(`unknown tag ${r.tag}: validate the rule first`);
      if (!usage.tags.some((t) => t.key === tag.key)) usage.tags.push(tag);
      if (tag.personalised) usage.profiling = true;
      if (tag.sensitive) usage.sensitive = true;
      if (tag.spendingPower) usage.spendingPower = true;
      tag.categories.forEach(category);
      const cond =
        r.op === undefined
          ? ''
          : ` AND ${comparison(tag.valueType === 'text' ? 't.value_text' : 't.value_num', r.op, r.value!, tag.valueType === 'text' ? 'text' : 'number', params)}`;
      return `EXISTS (SELECT 1 FROM member_tags t WHERE t.subject_ref = m.subject_ref AND t.tag_key = ${params.add(tag.key)}${cond})`;
    }
    if ('feature' in r) {
      const f = FEATURES[r.feature as FeatureName];
      usage.profiling = true;
      usage.usesFeatures = true;
      category(f.category);
      if (f.category === 'spending_power') usage.spendingPower = true;
      return comparison(`f.${r.feature}`, r.op, r.value, f.type, params);
    }
    if ('member' in r) {
      return comparison('(extract(epoch FROM now() - m.joined_at) / 86400)', r.op, r.value, 'number', params);
    }
    if ('bought' in r) {
      usage.profiling = true;
      category('purchase_preference');
      const b = r.bought;
      const sensitive = b.category !== undefined && ctx.sensitiveProductCategories.has(b.category);
      if (sensitive) usage.sensitive = true;
      const where = factWindow(b.withinDays, params);
      if (b.category !== undefined) where.push(`${params.add(b.category)} = ANY(rf.categories)`);
      if (b.skuPrefix !== undefined)
        where.push(
          `EXISTS (SELECT 1 FROM unnest(rf.skus) s WHERE starts_with(s, ${params.add(b.skuPrefix)}))`,
        );
      if (!sensitive) where.push('NOT rf.sensitive');
      const from = `FROM released_facts rf WHERE rf.subject_ref = m.subject_ref AND ${where.join(' AND ')}`;
      return (b.atLeast ?? 1) <= 1
        ? `EXISTS (SELECT 1 ${from})`
        : `((SELECT count(*) ${from}) >= ${params.add(b.atLeast)})`;
    }
    if ('noOrderWithinDays' in r) {
      usage.profiling = true;
      category('purchase_preference');
      const where = [...factWindow(r.noOrderWithinDays, params), 'NOT rf.sensitive'];
      return `NOT EXISTS (SELECT 1 FROM released_facts rf WHERE rf.subject_ref = m.subject_ref AND ${where.join(' AND ')})`;
    }
    if ('consent' in r) {
      return consentExists(r.consent.purpose ?? 'marketing_messages', r.consent.channel, params);
    }
    throw new Error('unreachable: validate the rule first');
  };

  const root = node(rule, 'rule');
  return { root, usage };
}

function factWindow(days: number | undefined, params: SqlParams): string[] {
  return days === undefined ? [] : [`rf.ordered_at > now() - make_interval(days => ${params.add(days)})`];
}

export function consentExists(purpose: Purpose, channel: Channel | null, params: SqlParams): string {
  const ch = channel === null ? '' : ` AND c.channel = ${params.add(channel)}`;
  return `EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = m.subject_ref AND c.purpose = ${params.add(purpose)}${ch} AND c.granted)`;
}

const SQL_OPS: Record<Exclude<Op, 'in' | 'between'>, string> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

function comparison(
  column: string,
  op: Op,
  value: Scalar | Scalar[],
  type: 'number' | 'text',
  params: SqlParams,
): string {
  const cast = type === 'number' ? 'double precision' : 'text';
  if (op === 'in') return `${column} = ANY(${params.add(value)}::${cast}[])`;
  if (op === 'between') {
    const [lo, hi] = value as number[];
    return `${column} BETWEEN ${params.add(lo)}::${cast} AND ${params.add(hi)}::${cast}`;
  }
  return `${column} ${SQL_OPS[op]} ${params.add(value)}::${cast}`;
}
