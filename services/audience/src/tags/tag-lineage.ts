import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TAG_CATEGORY_LABELS, type Purpose } from '@siyu/contracts';
import { ReleasedFactsRepository } from '../facts/released-facts.repository';
import { MemberRepository } from '../members/member.repository';
import { TagModelsRepository } from '../predictions/tag-models.repository';
import { MemberTagsRepository, type MemberTagRow } from './member-tags.repository';
import type { TagDefinition } from './tag-definition';
import { TagDefinitionsRepository } from './tag-definitions.repository';
import { TagError, TagErrorCode } from './tags.errors';

export interface LineageNode {
  tag: {
    key: string;
    version: number;
    layer: TagDefinition['layer'];
    category: string;
    categoryLabel: { 'zh-CN': string; en: string };
    labels: TagDefinition['labels'];
    personalised: boolean;
    sensitive: boolean;
    spendingPower: boolean;
  };
  value: number | string | null;
  computedAt: string;
  /** Layer 1: the released facts and their releases. */
  facts?: {
    orderRef: string;
    orderedAt: string;
    amountCents: number;
    categories: string[];
    releaseId: string;
  }[];
  releases?: string[];
  measure?: string;
  /** Layer 2: the rule and the tags and features it read. */
  rule?: unknown;
  features?: Record<string, unknown>;
  inputs?: LineageNode[];
  /** Layer 3: the model and each feature's contribution to the score (log-odds). */
  model?: {
    modelVersion: number;
    trainedAt: string;
    trainingWindow: unknown;
    metrics: unknown;
    intercept: number;
  };
  contributions?: Record<string, number>;
}

export interface Lineage extends LineageNode {
  subjectRef: string;
  /** The consent ledger entries this tag rests on (R12: "and the consent it rests on"). */
  consents: {
    purpose: Purpose;
    channel: string;
    ledgerSeq: number;
    evidenceRef: string | null;
    effectiveAt: string | null;
  }[];
}

/** Member × tag → the tree back to facts, releases and the consent ledger entries (R12). */
@Injectable()
export class TagLineage {
  constructor(
    private readonly definitions: TagDefinitionsRepository,
    private readonly tags: MemberTagsRepository,
    private readonly facts: ReleasedFactsRepository,
    private readonly models: TagModelsRepository,
    private readonly members: MemberRepository,
  ) {}

  async of(tx: EntityManager, brandId: string, subjectRef: string, tagKey: string): Promise<Lineage> {
    const rows = await this.tags.tagsOf(tx, subjectRef);
    const byKey = new Map(rows.map((r) => [r.tagKey, r]));
    const node = await this.node(tx, brandId, subjectRef, tagKey, byKey, new Set());
    if (!node) throw new TagError(TagErrorCode.MEMBER_TAG_NOT_FOUND, `member has no tag ${tagKey}`);
    const rests: Purpose[] = [
      'purchase_history',
      'personalisation',
      ...(node.tag.sensitive ? (['sensitive_profiling'] as const) : []),
    ];
    const consents = (await this.members.consentsOf(tx, subjectRef))
      .filter((c) => c.granted && rests.includes(c.purpose))
      .map((c) => ({
        purpose: c.purpose,
        channel: c.channel,
        ledgerSeq: c.ledgerSeq,
        evidenceRef: c.evidenceRef,
        effectiveAt: c.effectiveAt,
      }));
    return { subjectRef, ...node, consents };
  }

  private async node(
    tx: EntityManager,
    brandId: string,
    subjectRef: string,
    key: string,
    byKey: Map<string, MemberTagRow>,
    seen: Set<string>,
  ): Promise<LineageNode | null> {
    const row = byKey.get(key);
    if (!row || seen.has(key)) return null;
    seen.add(key);
    const d = await this.definitions.find(tx, brandId, key, row.tagVersion);
    if (!d) return null;
    const base: LineageNode = {
      tag: {
        key: d.key,
        version: d.version,
        layer: d.layer,
        category: d.category,
        categoryLabel: TAG_CATEGORY_LABELS[d.category],
        labels: d.labels,
        personalised: d.personalised,
        sensitive: d.sensitive,
        spendingPower: d.spendingPower,
      },
      value: row.valueText ?? row.valueNum,
      computedAt: row.computedAt,
    };
    const inputs = row.inputs as Record<string, any>;
    if (d.layer === 'fact') {
      const used = new Set<string>(inputs.orderRefs ?? []);
      const all = await this.facts.factsOf(tx, subjectRef);
      return {
        ...base,
        measure: inputs.measure,
        facts: all
          .filter((f) => used.has(f.orderRef))
          .map((f) => ({
            orderRef: f.orderRef,
            orderedAt: f.orderedAt,
            amountCents: f.amountCents,
            categories: f.categories,
            releaseId: f.releaseId,
          })),
        releases: inputs.releaseIds ?? [],
      };
    }
    if (d.layer === 'model') {
      const children: LineageNode[] = [];
      for (const k of Object.keys(inputs.tags ?? {})) {
        const child = await this.node(tx, brandId, subjectRef, k, byKey, seen);
        if (child) children.push(child);
      }
      return { ...base, rule: inputs.rule, features: inputs.features, inputs: children };
    }
    const model = await this.models.latest(tx, brandId, d.key, d.version);
    return {
      ...base,
      features: inputs.features,
      contributions: inputs.contributions,
      model: model
        ? {
            modelVersion: inputs.modelVersion,
            trainedAt: model.trainedAt,
            trainingWindow: model.trainingWindow,
            metrics: model.metrics,
            intercept: inputs.intercept,
          }
        : undefined,
    };
  }
}
