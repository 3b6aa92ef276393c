import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TAG_CATEGORY_LABELS } from '@siyu/contracts';
import { MemberRepository } from '../members/member.repository';
import { CategoryOptOutsRepository } from '../optouts/category-optouts.repository';
import type { CompiledNode } from '../rule-language/compile-rule';
import { tagsIn } from '../rule-language/rule';
import { MemberTagsRepository } from '../tags/member-tags.repository';
import { SegmentCompiler } from './segment-compiler';
import type { Segment } from './segment.repository';
import { SegmentRepository } from './segment.repository';
import type { ExplainNodeResponse, ExplainResponse } from './segment.response';

const GUARD_TEXT: Record<string, string> = {
  consent: 'no active consent for the segment purpose and channel',
  personalisation: 'personalisation is switched off (R11), and the rule selects by a profile',
  sensitive_profiling: 'no sensitive_profiling consent (R2), and the rule uses a sensitive tag or category',
  closed_categories: 'the member closed a tag category the rule selects by (R11)',
};

/** "Why is member M (not) in segment S": every guard and rule branch, from the same compiled SQL. */
@Injectable()
export class ExplainMembership {
  constructor(
    private readonly segments: SegmentRepository,
    private readonly compiler: SegmentCompiler,
    private readonly members: MemberRepository,
    private readonly tags: MemberTagsRepository,
    private readonly optOuts: CategoryOptOutsRepository,
  ) {}

  async explain(tx: EntityManager, segment: Segment, subjectRef: string): Promise<ExplainResponse> {
    const query = await this.compiler.compile(tx, segment);
    const nodes: CompiledNode[] = [];
    const collect = (n: CompiledNode) => {
      nodes.push(n);
      n.children.forEach(collect);
    };
    if (query.root) collect(query.root);
    const row = await this.segments.explainRow(
      tx,
      query,
      nodes.map((n) => n.memberSql),
      subjectRef,
    );
    const consents = (await this.members.consentsOf(tx, subjectRef)).map((c) => ({
      purpose: c.purpose,
      channel: c.channel,
      granted: c.granted,
      ledgerSeq: c.ledgerSeq,
    }));
    const closedCategories = await this.optOuts.closedOf(tx, subjectRef);
    const referenced = segment.rule ? tagsIn(segment.rule) : [];
    const tags = (await this.tags.tagsOf(tx, subjectRef))
      .filter((t) => referenced.includes(t.tagKey))
      .map((t) => ({ key: t.tagKey, version: t.tagVersion, value: t.valueText ?? t.valueNum }));
    if (!row) {
      return {
        subjectRef,
        inSegment: false,
        because: 'not a member: no active marketing consent (or not of this brand)',
        guards: [],
        rule: null,
        tags,
        consents,
        closedCategories,
      };
    }
    const matched = new Map(nodes.map((n, i) => [n, row.nodes[i]]));
    const tree = (n: CompiledNode): ExplainNodeResponse => ({
      path: n.path,
      matched: matched.get(n)!,
      ...(n.children.length === 0 ? { rule: n.rule } : {}),
      children: n.children.map(tree),
    });
    const guards = query.guards.map((g, i) => ({
      name: g.name,
      passed: row.guards[i],
      ...(g.categories ? { categories: g.categories } : {}),
    }));
    const failed = guards.filter((g) => !g.passed);
    const ruleMatched = query.root ? matched.get(query.root)! : true;
    const inSegment = failed.length === 0 && ruleMatched;
    const because = inSegment
      ? query.root
        ? 'every guard passed and the rule matched'
        : 'a broadcast: every guard passed'
      : [
          ...failed.map(
            (g) =>
              GUARD_TEXT[g.name] +
              (g.name === 'closed_categories'
                ? ` (${closedCategories
                    .filter((c) => g.categories?.includes(c))
                    .map((c) => `${TAG_CATEGORY_LABELS[c]['zh-CN']} ${c}`)
                    .join(', ')})`
                : ''),
          ),
          ...(ruleMatched ? [] : ['the rule did not match (see the branches)']),
        ].join('; ');
    return {
      subjectRef,
      inSegment,
      because,
      guards,
      rule: query.root ? tree(query.root) : null,
      tags,
      consents,
      closedCategories,
    };
  }
}
