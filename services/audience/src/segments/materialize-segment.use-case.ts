import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SEGMENT_PART_SIZE, TOPICS, type SegmentMaterializedV1 } from '@siyu/contracts';
import { addManyToOutbox, ServiceMessaging } from '@siyu/messaging';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { SegmentCompiler } from './segment-compiler';
import { SegmentRepository } from './segment.repository';
import { SegmentError, SegmentErrorCode } from './segments.errors';

/**
 * Freezes who is in a segment now (the same compiled query the count runs, with every guard) and
 * hands the subject refs (no PII) to outreach, in parts, in the transaction of the new version.
 */
@Injectable()
export class MaterializeSegment {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentRepository,
    private readonly compiler: SegmentCompiler,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(segmentId: string): Promise<{ segmentId: string; version: number; size: number }> {
    // READ COMMITTED on purpose: the one INSERT … SELECT takes its snapshot after the lock, so it sees
    // every opt-out and withdrawal committed before it (a REPEATABLE READ snapshot would predate the wait).
    const result = await this.ds.transaction(async (tx) => {
      await this.segments.holdEvaluation(tx, this.options.brandId);
      const segment = await this.segments.find(tx, this.options.brandId, segmentId);
      if (!segment) throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${segmentId} not found`);
      const query = await this.compiler.compile(tx, segment);
      const version = await this.segments.nextVersion(tx, segment.id);
      const size = await this.segments.materialize(tx, segment.id, version, query);
      const members = await this.segments.membersOf(tx, segment.id, version);
      const parts = Math.max(1, Math.ceil(members.length / SEGMENT_PART_SIZE));
      const events = [];
      for (let part = 0; part < parts; part++) {
        events.push({
          topic: TOPICS.segmentMaterialized,
          key: segment.id,
          event: {
            type: 'audience.segment-materialized.v1' as const,
            segmentId: segment.id,
            brandId: segment.brandId,
            version,
            purpose: segment.purpose,
            channel: segment.channel,
            part,
            parts,
            size,
            subjectRefs: members.slice(part * SEGMENT_PART_SIZE, (part + 1) * SEGMENT_PART_SIZE),
          },
        });
      }
      // One mapping function makes every part: check the first in full, the rest by shape (outbox.ts).
      await addManyToOutbox<SegmentMaterializedV1>(tx, events, { validate: 'first-of-each-type' });
      return { segmentId: segment.id, version, size };
    });
    this.messaging.relay.kick();
    return result;
  }
}
