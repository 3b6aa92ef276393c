import type { components } from './api/schema';

type Point = components['schemas']['TimelinePointResponse'];
export type Bucket = 'hour' | 'day';

const STEP: Record<Bucket, number> = { hour: 3600_000, day: 86_400_000 };
/** More buckets than this and the chart shows only those in which something happened. */
const MAX_FILLED = 400;

/** Buckets in which nothing happened are filled with zeros, so the time axis is even. */
export function filledPoints(points: Point[], bucket: Bucket): Point[] {
  if (points.length < 2) return points;
  const first = Date.parse(points[0].start);
  const last = Date.parse(points[points.length - 1].start);
  if ((last - first) / STEP[bucket] > MAX_FILLED) return points;
  const byStart = new Map(points.map((p) => [Date.parse(p.start), p]));
  const out: Point[] = [];
  for (let at = first; at <= last; at += STEP[bucket])
    out.push(
      byStart.get(at) ?? {
        start: new Date(at).toISOString(),
        sent: 0,
        delivered: 0,
        failed: 0,
        blocked: 0,
        unsubscribed: 0,
      },
    );
  return out;
}
