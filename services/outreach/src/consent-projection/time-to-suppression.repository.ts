import type { EntityManager } from 'typeorm';

/** The histogram bounds of siyu_withdrawal_to_suppression_seconds, so the page and the alert agree. */
export const SUPPRESSION_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60] as const;

export interface LatencySummary {
  count: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  p99Seconds: number | null;
  maxSeconds: number | null;
  /** Took longer than the alert's threshold. */
  slowCount: number;
}

export interface TimeToSuppression {
  overall: LatencySummary;
  byDay: (LatencySummary & { day: string })[];
  bySource: (LatencySummary & { source: string })[];
  /** Withdrawals applied within each bound (non-cumulative); the last has `upToSeconds` null (longer). */
  histogram: { upToSeconds: number | null; count: number }[];
  /** Suppressions recorded before applied_at existed: no time to show. */
  notMeasured: number;
}

const SUMMARY = (slow: string) => `count(*)::int AS count,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY secs) AS p95,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY secs) AS p99,
  max(secs) AS max, count(*) FILTER (WHERE secs > ${slow})::int AS slow`;

interface SummaryRow {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  slow: number;
}
const num = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 1000) / 1000);
const toSummary = (r: SummaryRow): LatencySummary => ({
  count: r.count,
  p50Seconds: num(r.p50),
  p95Seconds: num(r.p95),
  p99Seconds: num(r.p99),
  maxSeconds: num(r.max),
  slowCount: r.slow,
});

/**
 * Read-only: how long withdrawals took from the ledger's effective time to outreach's suppression
 * (from then on the send gate refuses). Counts and durations only: no subject refs leave here.
 */
export class TimeToSuppressionRepository {
  async since(
    tx: EntityManager,
    since: Date,
    timeZone: string,
    slowSeconds: number,
  ): Promise<TimeToSuppression> {
    const measured = `WITH m AS (
        SELECT source, applied_at, greatest(0, extract(epoch FROM applied_at - effective_at))::float8 AS secs
          FROM suppressions WHERE applied_at >= $1)`;
    const [overall]: SummaryRow[] = await tx.query(`${measured} SELECT ${SUMMARY('$2')} FROM m`, [
      since,
      slowSeconds,
    ]);
    const byDay: (SummaryRow & { day: string })[] = await tx.query(
      `${measured} SELECT to_char(applied_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, ${SUMMARY('$2')}
         FROM m GROUP BY 1 ORDER BY 1`,
      [since, slowSeconds, timeZone],
    );
    const bySource: (SummaryRow & { source: string })[] = await tx.query(
      `${measured} SELECT source, ${SUMMARY('$2')} FROM m GROUP BY 1 ORDER BY count(*) DESC, 1`,
      [since, slowSeconds],
    );
    const bounds = [...SUPPRESSION_BUCKETS_SECONDS];
    const hist: { i: number; count: number }[] = await tx.query(
      `${measured} SELECT width_bucket(secs, $2::float8[]) AS i, count(*)::int AS count FROM m GROUP BY 1`,
      [since, [0, ...bounds]],
    );
    // width_bucket over [0, b1, …, bn]: 1 → [0, b1), …, n → [b(n-1), bn), n+1 → ≥ bn.
    const histogram = [...bounds, null].map((upToSeconds, i) => ({
      upToSeconds,
      count: hist.find((h) => h.i === i + 1)?.count ?? 0,
    }));
    const [{ n }]: { n: number }[] = await tx.query(
      'SELECT count(*)::int AS n FROM suppressions WHERE applied_at IS NULL',
    );
    return {
      overall: toSummary(overall),
      byDay: byDay.map((r) => ({ day: r.day, ...toSummary(r) })),
      bySource: bySource.map((r) => ({ source: r.source, ...toSummary(r) })),
      histogram,
      notMeasured: n,
    };
  }
}
