import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SegmentMaterializedV1 } from '@siyu/contracts';
import type { EventEffect } from '@siyu/messaging';

/** Stores which subject refs a segment version holds; consent is re-checked at dispatch anyway. */
@Injectable()
export class SegmentEventsConsumer {
  readonly handlers: Record<string, EventEffect> = {
    'audience.segment-materialized.v1': (tx, e) => this.materialized(tx, e as SegmentMaterializedV1),
  };

  private async materialized(tx: EntityManager, e: SegmentMaterializedV1): Promise<void> {
    await tx.query(
      `INSERT INTO segment_versions (segment_id, version, purpose, channel, size, parts) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [e.segmentId, e.version, e.purpose, e.channel, e.size, e.parts],
    );
    await tx.query(
      `INSERT INTO segment_members (segment_id, version, subject_ref) SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
      [e.segmentId, e.version, e.subjectRefs],
    );
    await tx.query(
      'UPDATE segment_versions SET parts_received = parts_received + 1 WHERE segment_id = $1 AND version = $2',
      [e.segmentId, e.version],
    );
  }
}
