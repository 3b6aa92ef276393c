import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';

export interface SegmentVersionHead {
  segmentId: string;
  version: number;
  purpose: Purpose;
  channel: Channel;
  size: number;
  parts: number;
}

/** Where a stored version stands: absent, waiting for a base it cannot be built on, or being filled. */
export type StoredVersionState = 'absent' | 'awaiting_base' | 'filling' | 'complete';

/**
 * Outreach's copy of audience's segment versions. A version is complete when every part arrived
 * (`parts_received >= parts`); campaigns read only complete versions. A change whose base version
 * is not stored complete is recorded with `parts_received = 0` forever: it never completes, and
 * campaigns keep the previous complete version until the next whole version arrives.
 */
@Injectable()
export class SegmentVersionsRepository {
  /** Answers whether this call created the version (false: another part did first). */
  async insertHead(tx: EntityManager, v: SegmentVersionHead): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO segment_versions (segment_id, version, purpose, channel, size, parts) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [v.segmentId, v.version, v.purpose, v.channel, v.size, v.parts],
    );
    return rows.length > 0;
  }

  async addMembers(
    tx: EntityManager,
    segmentId: string,
    version: number,
    subjectRefs: string[],
  ): Promise<void> {
    await tx.query(
      `INSERT INTO segment_members (segment_id, version, subject_ref) SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
      [segmentId, version, subjectRefs],
    );
  }

  /**
   * Joins of a change: only members whose consent copy here is not withdrawn for the version's
   * purpose × channel (R10: a withdrawal processed before the change must not be undone by it).
   * Answers how many joins were refused.
   */
  async addJoinedMembers(
    tx: EntityManager,
    v: Pick<SegmentVersionHead, 'segmentId' | 'version' | 'purpose' | 'channel'>,
    joined: string[],
  ): Promise<number> {
    if (joined.length === 0) return 0;
    await tx.query(
      `INSERT INTO segment_members (segment_id, version, subject_ref)
       SELECT $1, $2, j FROM unnest($3::uuid[]) j
        WHERE NOT EXISTS (SELECT 1 FROM consent_projection p
                           WHERE p.subject_ref = j AND p.purpose = $4 AND p.channel = $5 AND NOT p.granted)
       ON CONFLICT DO NOTHING`,
      [v.segmentId, v.version, joined, v.purpose, v.channel],
    );
    const [{ refused }]: { refused: number }[] = await tx.query(
      `SELECT count(*)::int AS refused FROM consent_projection p
        WHERE p.subject_ref = ANY ($1::uuid[]) AND p.purpose = $2 AND p.channel = $3 AND NOT p.granted`,
      [joined, v.purpose, v.channel],
    );
    return refused;
  }

  async removeMembers(
    tx: EntityManager,
    segmentId: string,
    version: number,
    subjectRefs: string[],
  ): Promise<void> {
    if (subjectRefs.length === 0) return;
    await tx.query(
      'DELETE FROM segment_members WHERE segment_id = $1 AND version = $2 AND subject_ref = ANY ($3::uuid[])',
      [segmentId, version, subjectRefs],
    );
  }

  /** Version `version` starts as a copy of `base` (both of one segment). */
  async copyMembers(tx: EntityManager, segmentId: string, base: number, version: number): Promise<void> {
    await tx.query(
      `INSERT INTO segment_members (segment_id, version, subject_ref)
       SELECT segment_id, $3, subject_ref FROM segment_members WHERE segment_id = $1 AND version = $2
       ON CONFLICT DO NOTHING`,
      [segmentId, base, version],
    );
  }

  async countPart(tx: EntityManager, segmentId: string, version: number): Promise<void> {
    await tx.query(
      'UPDATE segment_versions SET parts_received = parts_received + 1 WHERE segment_id = $1 AND version = $2',
      [segmentId, version],
    );
  }

  /** Locks the version's row (parts of one version may be applied by concurrent partitions). */
  async stateOf(tx: EntityManager, segmentId: string, version: number): Promise<StoredVersionState> {
    const [r]: { parts: number; received: number }[] = await tx.query(
      `SELECT parts, parts_received AS received FROM segment_versions
        WHERE segment_id = $1 AND version = $2 FOR UPDATE`,
      [segmentId, version],
    );
    if (!r) return 'absent';
    if (r.received >= r.parts) return 'complete';
    return r.received === 0 ? 'awaiting_base' : 'filling';
  }
}
