import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { ExplainMembership } from '../segments/explain-membership';
import { SegmentRepository } from '../segments/segment.repository';
import type { ExplainResponse } from '../segments/segment.response';
import { SegmentError, SegmentErrorCode } from '../segments/segments.errors';
import { TagLineage, type Lineage } from '../tags/tag-lineage';
import type { PageLocale } from '../transparency/tag-explanations';
import { WhatWeHold, type HeldView } from '../transparency/what-we-hold';
import type { MemberReadPurpose } from './member-read.request';

/**
 * Reads that show one member's profile (tag values, the facts behind them, consents, opt-outs),
 * each with its audit entry in the same transaction (R16, R20): staff reads record the account and
 * the purpose; the customer's own page (R12) records the customer as the reader.
 */
@Injectable()
export class AuditedMemberReads {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentRepository,
    private readonly explainMembership: ExplainMembership,
    private readonly lineage: TagLineage,
    private readonly whatWeHold: WhatWeHold,
  ) {}

  async explain(
    actorId: string,
    segmentId: string,
    subjectRef: string,
    purpose: MemberReadPurpose,
  ): Promise<ExplainResponse> {
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      const segment = await this.segments.find(tx, this.options.brandId, segmentId);
      if (!segment) throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${segmentId} not found`);
      const answer = await this.explainMembership.explain(tx, segment, subjectRef);
      await appendAudit(tx, {
        actor: actorId,
        action: 'audience.explain-membership',
        purpose,
        subject: subjectRef,
        fields: ['rule_branches', 'tag_values', 'consents', 'closed_categories'],
        outcome: 'allowed',
      });
      return answer;
    });
  }

  async lineageOf(
    actorId: string,
    subjectRef: string,
    tagKey: string,
    purpose: MemberReadPurpose,
  ): Promise<Lineage> {
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      const lineage = await this.lineage.of(tx, this.options.brandId, subjectRef, tagKey);
      await appendAudit(tx, {
        actor: actorId,
        action: 'audience.tag-lineage',
        purpose,
        subject: subjectRef,
        fields: ['tag_values', 'released_facts', 'model_contributions', 'consents'],
        outcome: 'allowed',
      });
      return lineage;
    });
  }

  /** R12: the customer reads their own profile; the entry says so (no staff actor involved). */
  async ownView(token: string, locale: PageLocale): Promise<HeldView | null> {
    const subjectRef = this.whatWeHold.subjectOf(token);
    if (!subjectRef) return null;
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      const view = await this.whatWeHold.forSubject(tx, subjectRef, locale);
      await appendAudit(tx, {
        actor: 'subject:self',
        action: 'audience.what-we-hold',
        purpose: 'transparency',
        subject: subjectRef,
        fields: ['tag_values', 'consents', 'closed_categories'],
        outcome: 'allowed',
      });
      return view;
    });
  }
}
