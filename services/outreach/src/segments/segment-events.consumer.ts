import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SegmentMaterializedV1, SegmentVersionChangedV1 } from '@siyu/contracts';
import { eventHandlerMap, on, type EventEffect } from '@siyu/messaging';
import { SegmentVersionsRepository } from './segment-versions.repository';

/**
 * Stores which subject refs a segment version holds; consent is re-checked at dispatch anyway.
 * Whole versions arrive as `audience.segment-materialized.v1`; incremental ones as
 * `audience.segment-version-changed.v1`, built here from the stored previous version.
 */
@Injectable()
export class SegmentEventsConsumer {
  private readonly logger = new Logger('SegmentEventsConsumer');

  constructor(private readonly versions: SegmentVersionsRepository) {}

  readonly handlers: Record<string, EventEffect> = eventHandlerMap([
    on(SegmentMaterializedV1, (tx, e) => this.materialized(tx, e)),
    on(SegmentVersionChangedV1, (tx, e) => this.changed(tx, e)),
  ]);

  private async materialized(tx: EntityManager, e: SegmentMaterializedV1): Promise<void> {
    await this.versions.insertHead(tx, e);
    await this.versions.addMembers(tx, e.segmentId, e.version, e.subjectRefs);
    await this.versions.countPart(tx, e.segmentId, e.version);
  }

  /**
   * Version N = stored complete version N-1 + joined − left, one part at a time (each part's
   * joins and leaves are disjoint from the others'). The first part to arrive copies N-1; later
   * parts apply to N. N counts as complete (and campaigns switch to it) only with every part in.
   * Without a complete N-1 nothing is guessed: N is recorded as waiting for its base and never
   * completes, so campaigns keep the previous complete version until the next whole version.
   */
  private async changed(tx: EntityManager, e: SegmentVersionChangedV1): Promise<void> {
    const created = await this.versions.insertHead(tx, e);
    if (created) {
      const base = await this.versions.stateOf(tx, e.segmentId, e.previousVersion);
      if (base !== 'complete') {
        // Opaque ids and counts only: no subject refs in logs.
        this.logger.warn(
          `segment ${e.segmentId} version ${e.version}: base version ${e.previousVersion} is ${base}; ` +
            'version recorded as incomplete, waiting for the next whole version',
        );
        return;
      }
      await this.versions.copyMembers(tx, e.segmentId, e.previousVersion, e.version);
    } else if ((await this.versions.stateOf(tx, e.segmentId, e.version)) === 'awaiting_base') {
      this.logger.warn(
        `segment ${e.segmentId} version ${e.version} part ${e.part + 1}/${e.parts}: ignored, the version waits for a whole version`,
      );
      return;
    }
    await this.versions.removeMembers(tx, e.segmentId, e.version, e.left);
    const refused = await this.versions.addJoinedMembers(tx, e, e.joined);
    if (refused > 0)
      this.logger.log(
        `segment ${e.segmentId} version ${e.version}: ${refused} join(s) refused, consent withdrawn here`,
      );
    await this.versions.countPart(tx, e.segmentId, e.version);
  }
}
