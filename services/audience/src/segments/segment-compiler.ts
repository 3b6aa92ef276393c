import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CompileContext } from '../rule-language/compile-rule';
import { validateRule, type Rule } from '../rule-language/rule';
import { TagDefinitionsRepository } from '../tags/tag-definitions.repository';
import { buildSegmentQuery, type SegmentQuery, type SegmentSpec } from './segment-query';
import { SegmentError, SegmentErrorCode } from './segments.errors';

/** Validates a rule against the brand's current tags and compiles a segment into its one query. */
@Injectable()
export class SegmentCompiler {
  constructor(private readonly definitions: TagDefinitionsRepository) {}

  async context(tx: EntityManager, brandId: string): Promise<CompileContext> {
    return {
      tags: await this.definitions.infos(tx, brandId),
      sensitiveProductCategories: await this.definitions.sensitiveProductCategories(tx, brandId),
    };
  }

  /** Throws SEGMENT_RULE_INVALID with every problem (path + message) in `details.problems`. */
  async validate(tx: EntityManager, brandId: string, rule: unknown): Promise<Rule | null> {
    if (rule === undefined || rule === null) return null;
    const problems = validateRule(rule, (await this.context(tx, brandId)).tags);
    if (problems.length > 0)
      throw new SegmentError(
        SegmentErrorCode.INVALID_RULE,
        problems.map((p) => `${p.path}: ${p.message}`).join('; '),
        { problems },
      );
    return rule as Rule;
  }

  /** A saved rule is checked again: a tag redefined since (say, number → text) must not compile blind. */
  async compile(tx: EntityManager, spec: SegmentSpec): Promise<SegmentQuery> {
    const ctx = await this.context(tx, spec.brandId);
    if (spec.rule) {
      const problems = validateRule(spec.rule, ctx.tags);
      if (problems.length > 0)
        throw new SegmentError(
          SegmentErrorCode.INVALID_RULE,
          problems.map((p) => `${p.path}: ${p.message}`).join('; '),
          { problems },
        );
    }
    return buildSegmentQuery(spec, ctx);
  }
}
