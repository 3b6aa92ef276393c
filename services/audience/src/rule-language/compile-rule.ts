import { CHANNELS, type Channel, type Purpose, type TagCategory } from '@siyu/contracts';
import { FEATURES, type FeatureName, type Op, type Rule, type Scalar, type TagInfo } from './rule';

/** Bind parameters of one statement: every value becomes `$n`, nothing is spliced into SQL. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * One node of a compiled rule, as a condition on `m` that is true/false, never NULL, in two forms
 * over the same bind parameters:
 * - `sql`, the set form for whole-brand evaluation: each leaf is `m.subject_ref IN (uncorrelated
 *   subquery)`, which PostgreSQL runs once and probes as a hash also under OR and NOT (a correlated
 *   EXISTS there is re-run per member: 15 s instead of 2 s for a 3-level rule at 1M members);
 * - `memberSql`, the row form for a few members (explain, incremental refresh): correlated EXISTS,
 *   a handful of index probes per member instead of building every leaf's whole set;
 * - `amongSql`, the set form with each leaf's subquery able to read only some members' rows: each
 *   leaf carries an AMONG marker that `amongMembers` turns into `AND <alias>.subject_ref =
 *   ANY(<refs>)` (incremental refresh of thousands of members: each leaf's set is built from the
 *   changed members' rows only, not the brand's, and not probed member by member).
 */
export interface CompiledNode {
  path: string;
  rule: Rule;
  sql: string;
  memberSql: string;
  amongSql: string;
  children: CompiledNode[];
}

/** A leaf in its three forms (see CompiledNode). */
interface Leaf {
  set: string;
  row: string;
  among: string;
}

/** Where a leaf's subquery may be restricted to some members (see amongMembers). */
const AMONG = (alias: string) => `/*among:${alias}*/`;

/**
 * `sql` (an `amongSql` form) with every leaf's subquery restricted to the members in `refs` (a bind
 * parameter holding a uuid array). A leaf's answer for a member depends only on that member's own
 * rows, so for those members the answer is the set form's.
 */
export function amongMembers(sql: string, refs: string): string {
  return sql.replace(
    /\/\*among:(\w+)\*\//g,
    (_, alias: string) => `AND ${alias}.subject_ref = ANY(${refs}::uuid[])`,
  );
}

/** `m.subject_ref IN (SELECT <alias>.subject_ref FROM …)`, its correlated EXISTS twin, and its among form. */
function membership(from: string, alias: string, where: string, atLeast?: string): Leaf {
  const set = (among: string | null) => {
    const w = among === null ? where : `${where} ${among}`;
    return atLeast !== undefined
      ? `m.subject_ref IN (SELECT ${alias}.subject_ref FROM ${from} WHERE ${w} GROUP BY ${alias}.subject_ref HAVING count(*) >= ${atLeast})`
      : `m.subject_ref IN (SELECT ${alias}.subject_ref FROM ${from} WHERE ${w})`;
  };
  return {
    set: set(null),
    row:
      atLeast !== undefined
        ? `((SELECT count(*) FROM ${from} WHERE ${alias}.subject_ref = m.subject_ref AND ${where}) >= ${atLeast})`
        : `EXISTS (SELECT 1 FROM ${from} WHERE ${alias}.subject_ref = m.subject_ref AND ${where})`,
    among: set(AMONG(alias)),
  };
}

const negate = (l: Leaf): Leaf => ({ set: `NOT ${l.set}`, row: `NOT ${l.row}`, among: `NOT ${l.among}` });

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
      const join = op === 'and' ? ' AND ' : ' OR ';
      return {
        path,
        rule: r,
        sql: `(${children.map((c) => c.sql).join(join)})`,
        memberSql: `(${children.map((c) => c.memberSql).join(join)})`,
        amongSql: `(${children.map((c) => c.amongSql).join(join)})`,
        children,
      };
    }
    if ('not' in r) {
      const child = node(r.not, `${path}.not`);
      return {
        path,
        rule: r,
        sql: `(NOT ${child.sql})`,
        memberSql: `(NOT ${child.memberSql})`,
        amongSql: `(NOT ${child.amongSql})`,
        children: [child],
      };
    }
    // IN over a NOT NULL column and EXISTS are never NULL and stay plain (semi/anti-)joins for the
    // planner at the top level; comparisons on nullable columns are made two-valued so that `not`
    // means "not matched".
    const l = leaf(r);
    if ('feature' in r)
      return {
        path,
        rule: r,
        sql: `COALESCE(${l.set}, false)`,
        memberSql: `COALESCE(${l.row}, false)`,
        amongSql: `COALESCE(${l.among}, false)`,
        children: [],
      };
    return { path, rule: r, sql: l.set, memberSql: l.row, amongSql: l.among, children: [] };
  };

  const leaf = (r: Rule): Leaf => {
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
      return membership('member_tags t', 't', `t.tag_key = ${params.add(tag.key)}${cond}`);
    }
    if ('feature' in r) {
      const f = FEATURES[r.feature as FeatureName];
      usage.profiling = true;
      usage.usesFeatures = true;
      category(f.category);
      if (f.category === 'spending_power') usage.spendingPower = true;
      const c = comparison(`f.${r.feature}`, r.op, r.value, f.type, params);
      return { set: c, row: c, among: c };
    }
    if ('member' in r) {
      const c = comparison(
        '(extract(epoch FROM now() - m.joined_at) / 86400)',
        r.op,
        r.value,
        'number',
        params,
      );
      return { set: c, row: c, among: c };
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
      return (b.atLeast ?? 1) <= 1
        ? membership('released_facts rf', 'rf', where.join(' AND '))
        : membership('released_facts rf', 'rf', where.join(' AND '), params.add(b.atLeast));
    }
    if ('noOrderWithinDays' in r) {
      usage.profiling = true;
      category('purchase_preference');
      const where = [...factWindow(r.noOrderWithinDays, params), 'NOT rf.sensitive'];
      return negate(membership('released_facts rf', 'rf', where.join(' AND ')));
    }
    if ('consent' in r) {
      const c = consentGuard(r.consent.purpose ?? 'marketing_messages', r.consent.channel, params);
      return { set: c, row: c, among: c };
    }
    throw new Error('unreachable: validate the rule first');
  };

  const root = node(rule, 'rule');
  return { root, usage };
}

function factWindow(days: number | undefined, params: SqlParams): string[] {
  return days === undefined ? [] : [`rf.ordered_at > now() - make_interval(days => ${params.add(days)})`];
}

/**
 * Active consent for `purpose` on `channel` (any channel when null), read from the member row's copy
 * of member_consents (`m.grants`, kept in the same transaction: see MemberRepository).
 */
export function consentGuard(purpose: Purpose, channel: Channel | null, params: SqlParams): string {
  if (channel !== null) return `m.grants @> ARRAY[${params.add(`${purpose}:${channel}`)}::text]`;
  return `m.grants && ${params.add(CHANNELS.map((c) => `${purpose}:${c}`))}::text[]`;
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
