import type { Segment } from './segment.repository';

export interface SegmentResponse {
  id: string;
  name: string;
  purpose: string;
  channel: string;
  version: number;
  count: number;
}

export function toSegmentResponse(s: Segment, count: number): SegmentResponse {
  return { id: s.id, name: s.name, purpose: s.purpose, channel: s.channel, version: s.version, count };
}
