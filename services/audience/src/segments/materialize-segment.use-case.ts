import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ServiceMessaging } from '@siyu/messaging';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { MemberChangesRepository } from '../features/member-changes.repository';
import { publishSegmentVersion } from './publish-segment-version';
import { SegmentCompiler } from './segment-compiler';
import { SegmentRepository } from './segment.repository';
import { SegmentError, SegmentErrorCode } from './segments.errors';

/**
 * Freezes who is in a segment now (the same compiled query the count runs, with every guard) as a
 * new version, written as the difference from the previous one, and hands the version's subject
 * refs to outreach in the same transaction. Earlier versions stay readable.
 */
@Injectable()
export class MaterializeSegment {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentRepository,
    private readonly compiler: SegmentCompiler,
    private readonly messaging: ServiceMessaging,
    private readonly changes: MemberChangesRepository,
  ) {}

  async execute(
    segmentId: string,
    actorId = 'system',
  ): Promise<{ segmentId: string; version: number; size: number }> {
    // READ COMMITTED on purpose: the one INSERT … SELECT takes its snapshot after the lock, so it sees
    // every opt-out and withdrawal committed before it (a REPEATABLE READ snapshot would predate the wait).
    const result = await this.ds.transaction(async (tx) => {
      await this.segments.holdEvaluation(tx, this.options.brandId);
      const segment = await this.segments.lock(tx, this.options.brandId, segmentId);
      if (!segment) throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${segmentId} not found`);
      const query = await this.compiler.compile(tx, segment);
      // Every member change logged so far is reflected in this evaluation (the lock is exclusive).
      const upTo = await this.changes.latestSeq(tx, this.options.brandId);
      const version = segment.version + 1;
      await this.segments.useEvaluationMemory(tx);
      const { size, joined, left } = await this.segments.writeFullVersion(tx, segment.id, version, query);
      await this.segments.recordVersion(tx, {
        segmentId: segment.id,
        version,
        kind: 'full',
        size,
        joined,
        left,
        createdBy: actorId,
      });
      await this.segments.markEvaluated(tx, segment.id, upTo, true);
      await publishSegmentVersion(tx, this.segments, segment, version, size);
      return { segmentId: segment.id, version, size };
    });
    this.messaging.relay.kick();
    return result;
  }
}
