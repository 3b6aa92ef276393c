import type { EntityManager } from 'typeorm';
import {
  SEGMENT_PART_SIZE,
  TOPICS,
  type SegmentMaterializedV1,
  type SegmentVersionChangedV1,
} from '@siyu/contracts';
import { addManyToOutbox } from '@siyu/messaging';
import type { Segment, SegmentRepository } from './segment.repository';

/**
 * Hands a version's subject refs (no PII) to outreach, in parts, in the transaction that wrote the
 * version: outreach keeps each version whole, and a campaign run pins one (campaign_runs.segment_version).
 */
export async function publishSegmentVersion(
  tx: EntityManager,
  segments: SegmentRepository,
  segment: Segment,
  version: number,
  size: number,
): Promise<void> {
  const members = await segments.membersOf(tx, segment.id, version);
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
}

/**
 * Hands an incrementally refreshed version to consumers as who joined and who left since the
 * previous version (no event at all when nobody did): the cost follows the change, not the
 * segment's size. Whole evaluations keep publishing whole versions (publishSegmentVersion).
 */
export async function publishSegmentChange(
  tx: EntityManager,
  segment: Segment,
  version: number,
  size: number,
  joined: string[],
  left: string[],
): Promise<void> {
  const changes = [...joined.map((s) => ({ s, joined: true })), ...left.map((s) => ({ s, joined: false }))];
  if (changes.length === 0) return;
  const parts = Math.ceil(changes.length / SEGMENT_PART_SIZE);
  const events = [];
  for (let part = 0; part < parts; part++) {
    const slice = changes.slice(part * SEGMENT_PART_SIZE, (part + 1) * SEGMENT_PART_SIZE);
    events.push({
      topic: TOPICS.segmentVersionChanged,
      key: segment.id,
      event: {
        type: 'audience.segment-version-changed.v1' as const,
        segmentId: segment.id,
        brandId: segment.brandId,
        version,
        previousVersion: version - 1,
        purpose: segment.purpose,
        channel: segment.channel,
        part,
        parts,
        size,
        joined: slice.filter((c) => c.joined).map((c) => c.s),
        left: slice.filter((c) => !c.joined).map((c) => c.s),
      },
    });
  }
  await addManyToOutbox<SegmentVersionChangedV1>(tx, events, { validate: 'first-of-each-type' });
}
