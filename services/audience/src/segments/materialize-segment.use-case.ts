import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SEGMENT_PART_SIZE, TOPICS, type SegmentMaterializedV1 } from '@siyu/contracts';
import { addToOutbox, ServiceMessaging } from '@siyu/messaging';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { SegmentRepository } from './segment.repository';
import { SegmentError, SegmentErrorCode } from './segments.errors';

/** Freezes who is in a segment now and hands the subject refs (no PII) to outreach. */
@Injectable()
export class MaterializeSegment {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentRepository,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(segmentId: string): Promise<{ segmentId: string; version: number; size: number }> {
    const result = await this.ds.transaction('REPEATABLE READ', async (tx) => {
      const segment = await this.segments.find(tx, this.options.brandId, segmentId);
      if (!segment) throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${segmentId} not found`);
      const version = await this.segments.nextVersion(tx, segment.id);
      const members = await this.segments.members(tx, segment);
      const parts = Math.max(1, Math.ceil(members.length / SEGMENT_PART_SIZE));
      for (let part = 0; part < parts; part++) {
        await addToOutbox<SegmentMaterializedV1>(tx, TOPICS.segmentMaterialized, segment.id, {
          type: 'audience.segment-materialized.v1',
          segmentId: segment.id,
          brandId: segment.brandId,
          version,
          purpose: segment.purpose,
          channel: segment.channel,
          part,
          parts,
          size: members.length,
          subjectRefs: members.slice(part * SEGMENT_PART_SIZE, (part + 1) * SEGMENT_PART_SIZE),
        });
      }
      return { segmentId: segment.id, version, size: members.length };
    });
    this.messaging.relay.kick();
    return result;
  }
}
