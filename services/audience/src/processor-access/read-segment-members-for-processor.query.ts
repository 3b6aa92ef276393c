import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import type { TagCategory } from '@siyu/contracts';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { ProcessorAccessError, ProcessorAccessErrorCode } from './processor-access.errors';
import { ProcessorAccessRepository } from './processor-access.repository';
import type { ProcessorMemberResponse, ProcessorSegmentMembersResponse } from './processor-access.response';

/**
 * R15: one page of a segment's members for an entrusted agency: per-grant pseudonyms and only the
 * fields its grant names (the guard already refused anything outside it). Read and audit entry
 * (the key as actor, the grant's id and purpose) commit together, so no page leaves unrecorded.
 */
@Injectable()
export class ReadSegmentMembersForProcessor {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly access: ProcessorAccessRepository,
  ) {}

  async execute(
    processor: Actor,
    segmentId: string,
    q: { tagCategories?: TagCategory[]; cursor?: string; limit?: number },
  ): Promise<ProcessorSegmentMembersResponse> {
    const grant = processor.grant!;
    const limit = q.limit ?? 100;
    const categories = q.tagCategories ?? [];
    const withChannels = grant.fields.includes('consented_channels');
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      if (!(await this.access.segmentExists(tx, this.options.brandId, segmentId)))
        throw new ProcessorAccessError(
          ProcessorAccessErrorCode.SEGMENT_NOT_FOUND,
          `segment ${segmentId} not found`,
        );
      const afterSubjectRef = q.cursor
        ? await this.access.findCursor(tx, q.cursor, grant.id, segmentId)
        : null;
      if (q.cursor && !afterSubjectRef)
        throw new ProcessorAccessError(
          ProcessorAccessErrorCode.CURSOR_UNKNOWN,
          'cursor is not a nextCursor this grant got for this segment in the last day',
        );
      const page = await this.access.pageOfMembers(tx, {
        brandId: this.options.brandId,
        segmentId,
        grantId: grant.id,
        afterSubjectRef,
        limit,
      });
      const refs = page.map((m) => m.subjectRef);
      const tags = q.tagCategories ? await this.access.tagValues(tx, refs, categories) : [];
      const channels = withChannels ? await this.access.consentedChannels(tx, segmentId, refs) : [];
      const members: ProcessorMemberResponse[] = page.map((m) => {
        const member: ProcessorMemberResponse = { memberRef: m.memberRef };
        if (q.tagCategories)
          member.tags = tags
            .filter((t) => t.subjectRef === m.subjectRef)
            .map((t) => ({ tagKey: t.tagKey, category: t.category, value: t.value }));
        if (withChannels)
          member.consentedChannels = channels.find((c) => c.subjectRef === m.subjectRef)?.channels ?? [];
        return member;
      });
      const fields = [
        'member_ref_pseudonymised',
        'segment_membership',
        ...categories.map((c) => `tag_values:${c}`),
        ...(withChannels ? ['consented_channels'] : []),
      ];
      await appendAudit(tx, {
        actor: processor.id,
        action: 'processor.segment-members.read',
        purpose: grant.purpose,
        subject: `processor-grant:${grant.id}`,
        fields: [...fields, `segment:${segmentId}`, `members:${members.length}`],
        outcome: 'allowed',
      });
      let nextCursor: string | null = null;
      if (page.length === limit) {
        nextCursor = randomUUID();
        await this.access.saveCursor(tx, {
          token: nextCursor,
          grantId: grant.id,
          segmentId,
          afterSubjectRef: page[page.length - 1].subjectRef,
        });
      }
      return { grantId: grant.id, purpose: grant.purpose, segmentId, members, nextCursor };
    });
  }
}
