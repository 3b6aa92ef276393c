import type { EntityManager } from 'typeorm';

export type TimelineBucket = 'hour' | 'day';

/** One time bucket of a campaign's results (every run of it), counted by when each thing happened. */
export interface TimelinePoint {
  /** Start of the bucket (an instant; buckets are cut in `timeZone`). */
  start: string;
  /** Handed to the vendor / platform (by dispatch time). */
  sent: number;
  /** Delivery receipts (by receipt time). */
  delivered: number;
  /** Failures: refused at submit or failed receipts (by receipt time, else last change). */
  failed: number;
  /** Refused by the send gate (by refusal time). */
  blocked: number;
  /** Recipients who opted out within 72 h of a send (by opt-out time; as the run results count). */
  unsubscribed: number;
}

type Kind = 'sent' | 'delivered' | 'failed' | 'blocked' | 'unsubscribed';

/** Read-only: a campaign's sends and their opt-outs per hour or day, in one statement. */
export class CampaignResultsTimelineRepository {
  async timeline(
    tx: EntityManager,
    campaignId: string,
    bucket: TimelineBucket,
    timeZone: string,
  ): Promise<TimelinePoint[]> {
    // date_trunc on local wall time, then back to an instant: a day bucket is a day in `timeZone`.
    const cut = (col: string) => `(date_trunc('${bucket}', ${col} AT TIME ZONE $2) AT TIME ZONE $2)`;
    const rows: { start: Date; kind: Kind; n: number }[] = await tx.query(
      `SELECT start, kind, sum(n)::int AS n FROM (
         SELECT ${cut('dispatched_at')} AS start, 'sent' AS kind, count(*) AS n
           FROM sends WHERE campaign_id = $1 AND dispatched_at IS NOT NULL
            AND state NOT IN ('planned', 'blocked', 'cancelled')
          GROUP BY 1
         UNION ALL
         SELECT ${cut('reported_at')}, 'delivered', count(*)
           FROM sends WHERE campaign_id = $1 AND state = 'delivered' AND reported_at IS NOT NULL
          GROUP BY 1
         UNION ALL
         SELECT ${cut('coalesce(reported_at, updated_at)')}, 'failed', count(*)
           FROM sends WHERE campaign_id = $1 AND state = 'failed'
          GROUP BY 1
         UNION ALL
         SELECT ${cut('updated_at')}, 'blocked', count(*)
           FROM sends WHERE campaign_id = $1 AND state = 'blocked'
          GROUP BY 1
         UNION ALL
         -- The first opt-out on the send's channel within 72 h of it: the run results' definition.
         SELECT ${cut('first_out')}, 'unsubscribed', count(*)
           FROM (SELECT s.send_id, min(x.effective_at) AS first_out
                   FROM sends s JOIN suppressions x
                     ON x.subject_ref = s.subject_ref AND s.channel = ANY (x.channels)
                  WHERE s.campaign_id = $1 AND s.dispatched_at IS NOT NULL
                    AND s.state IN ('submitted', 'delivered')
                    AND x.effective_at >= s.dispatched_at
                    AND x.effective_at < s.dispatched_at + interval '72 hours'
                  GROUP BY s.send_id) o
          GROUP BY 1
       ) t GROUP BY start, kind ORDER BY start`,
      [campaignId, timeZone],
    );
    const points = new Map<number, TimelinePoint>();
    for (const r of rows) {
      const at = new Date(r.start).getTime();
      const p = points.get(at) ?? {
        start: new Date(at).toISOString(),
        sent: 0,
        delivered: 0,
        failed: 0,
        blocked: 0,
        unsubscribed: 0,
      };
      p[r.kind] += r.n;
      points.set(at, p);
    }
    return [...points.values()];
  }
}
