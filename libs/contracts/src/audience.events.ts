import { ArrayMaxSize, IsIn, IsInt, IsString, IsUUID, Matches, Min } from 'class-validator';
import { EventBase } from './event';
import { CHANNELS, PURPOSES } from './purposes';
import type { Channel, Purpose } from './purposes';

/** Max subject refs per event; a larger segment is published as several parts of one version. */
export const SEGMENT_PART_SIZE = 5000;

/**
 * `audience.segment-materialized.v1`: who is in a segment version, as opaque subject refs only.
 * Outreach still re-checks consent for each of them right before dispatch (invariant 1).
 */
export class SegmentMaterializedV1 extends EventBase {
  override type = 'audience.segment-materialized.v1';

  @IsUUID()
  segmentId: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsInt()
  @Min(1)
  version: number;

  @IsIn(PURPOSES)
  purpose: Purpose;

  @IsIn(CHANNELS)
  channel: Channel;

  @IsInt()
  @Min(0)
  part: number;

  @IsInt()
  @Min(1)
  parts: number;

  @IsInt()
  @Min(0)
  size: number;

  @IsUUID('4', { each: true })
  @ArrayMaxSize(SEGMENT_PART_SIZE)
  subjectRefs: string[];
}

/**
 * `audience.segment-version-changed.v1`: a version made by an incremental refresh, as who joined and
 * who left since `previousVersion` (opaque subject refs only), in parts of at most SEGMENT_PART_SIZE
 * refs in all. A consumer that keeps versions whole builds `version` from `previousVersion`; a
 * whole evaluation still publishes the whole version as `audience.segment-materialized.v1`.
 * Members removed at once by a withdrawal or an opt-out (deleted from every version, R10/R11) are
 * not listed in `left`. A withdrawal of the segment's own purpose × channel reaches consumers as a
 * consent event (they prune on it); personalisation off, a closed category or revoked facts owe the
 * segment a whole version (`segments.whole_owed`), published as `audience.segment-materialized.v1`
 * on the next refresh.
 */
export class SegmentVersionChangedV1 extends EventBase {
  override type = 'audience.segment-version-changed.v1';

  @IsUUID()
  segmentId: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsInt()
  @Min(2)
  version: number;

  @IsInt()
  @Min(1)
  previousVersion: number;

  @IsIn(PURPOSES)
  purpose: Purpose;

  @IsIn(CHANNELS)
  channel: Channel;

  @IsInt()
  @Min(0)
  part: number;

  @IsInt()
  @Min(1)
  parts: number;

  /** Members in `version`. */
  @IsInt()
  @Min(0)
  size: number;

  @IsUUID('4', { each: true })
  @ArrayMaxSize(SEGMENT_PART_SIZE)
  joined: string[];

  @IsUUID('4', { each: true })
  @ArrayMaxSize(SEGMENT_PART_SIZE)
  left: string[];
}
