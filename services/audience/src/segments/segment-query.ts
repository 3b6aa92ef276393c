import type { Channel, Purpose, TagCategory } from '@siyu/contracts';
import {
  amongMembers,
  compileRule,
  consentGuard,
  SqlParams,
  type CompileContext,
  type CompiledNode,
  type RuleUsage,
} from '../rule-language/compile-rule';
import type { Rule } from '../rule-language/rule';

export interface SegmentSpec {
  brandId: string;
  purpose: Purpose;
  channel: Channel;
  rule: Rule | null;
}

export type GuardName = 'consent' | 'personalisation' | 'sensitive_profiling' | 'closed_categories';

/** A condition every member of the segment must meet whatever the rule says (invariant 1, R2, R11). */
export interface Guard {
  name: GuardName;
  sql: string;
  categories?: TagCategory[];
}

/**
 * ONE parameterised statement per segment: `SELECT … ${fromWhere}`. Count, sample, explain and
 * materialise all run this same text, so the number a marketer sees is what materialisation freezes.
 */
export interface SegmentQuery {
  /** Whole-brand evaluation (count, sample, materialise): the rule's set form. */
  fromWhere: string;
  /**
   * The same conditions in the rule's row form, for a few members only (the caller adds
   * `AND m.subject_ref = ANY(…)`): incremental refresh of the members that changed.
   */
  memberFromWhere: string;
  /**
   * The set form for some members only: `refs` (a bind parameter the caller adds, a uuid array)
   * restricts the members and every leaf's subquery to their rows. The caller adds nothing more.
   */
  amongFromWhere(refs: string): string;
  params: SqlParams;
  guards: Guard[];
  root: CompiledNode | null;
  usage: RuleUsage | null;
}

export function buildSegmentQuery(s: SegmentSpec, ctx: CompileContext): SegmentQuery {
  const params = new SqlParams();
  const brand = params.add(s.brandId);
  const guards: Guard[] = [{ name: 'consent', sql: consentGuard(s.purpose, s.channel, params) }];
  const compiled = s.rule ? compileRule(s.rule, ctx, params) : null;
  const usage = compiled?.usage ?? null;
  // R11 one switch: a rule that selects by a profile needs the personalisation consent.
  if (usage?.profiling)
    guards.push({ name: 'personalisation', sql: consentGuard('personalisation', null, params) });
  // R2: a sensitive tag or product category selects only under the separate sensitive consent.
  if (usage?.sensitive)
    guards.push({ name: 'sensitive_profiling', sql: consentGuard('sensitive_profiling', null, params) });
  // R11 per category: a member who closed a category the rule selects by is never selected by it.
  if (usage && usage.categories.length > 0)
    guards.push({
      name: 'closed_categories',
      categories: usage.categories,
      sql: `NOT (m.closed_categories && ${params.add(usage.categories)}::text[])`,
    });
  const join = (among: string) =>
    usage?.usesFeatures ? ` LEFT JOIN member_features f ON f.subject_ref = m.subject_ref${among}` : '';
  const conditions = [`m.brand_id = ${brand}`, ...guards.map((g) => g.sql)];
  const from = `FROM members m${join('')} WHERE ${conditions.join(' AND ')}`;
  return {
    fromWhere: compiled ? `${from} AND ${compiled.root.sql}` : from,
    memberFromWhere: compiled ? `${from} AND ${compiled.root.memberSql}` : from,
    amongFromWhere: (refs) => {
      const only = ` AND f.subject_ref = ANY(${refs}::uuid[])`;
      const head = `FROM members m${join(only)} WHERE ${conditions.join(' AND ')} AND m.subject_ref = ANY(${refs}::uuid[])`;
      return compiled ? `${head} AND ${amongMembers(compiled.root.amongSql, refs)}` : head;
    },
    params,
    guards,
    root: compiled?.root ?? null,
    usage,
  };
}
