import type { EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';

/** Why the gate refused a recipient, stored on the send and counted in the results. */
export type GateRefusal =
  'no_consent' | 'consent_withdrawn' | 'suppressed' | 'no_contact_point' | 'frequency_cap';

/** The gate's chunk: the clearance's inputs (caps, zone, suppression sources) and the run's. */
export interface GateQuery extends ClearanceQuery {
  runId: string;
  purpose: Purpose;
  channel: Channel;
  limit: number;
  /** Partitions of consent.withdrawn.v1: each must have reported a watermark. */
  partitions: number;
  freshnessBoundMs: number;
  quietHours: { start: string; end: string } | null;
}

export interface AdmittedSend {
  sendId: string;
  subjectRef: string;
  variant: number;
  sealedContact: string;
}

export interface GateChunk {
  /** Every partition reported and the oldest watermark is within the bound. */
  fresh: boolean;
  /** The run is still `sending` (not paused or cancelled). */
  live: boolean;
  /** Age of the oldest partition's watermark when the gate ran, in ms. */
  lagMs: number;
  admitted: AdmittedSend[];
  blocked: { sendId: string; reason: GateRefusal }[];
  deferred: number;
}

/**
 * Send states that count as "reached" for caps and for a non-recurring campaign's once-per-member.
 * The trigger that keeps `send_counters` (migration 1763900003640) lists the same states.
 */
export const REACHED_STATES = ['submitting', 'submitted', 'unknown', 'delivered'];

/**
 * The frequency cap's test on one member's counter row (`reached`: send id → epoch seconds), SQL
 * text over the given expressions: at least `max` reached sends in the window (the rolling `days`,
 * or with `days` NULL the natural month in the member's zone). The gate's statement and the plan's
 * clearance (`clearanceSql`) judge the cap with this one expression.
 */
function capReached(reached: string, tz: string, max: string, days: string): string {
  return `(${max}::int IS NOT NULL AND ${reached} IS NOT NULL AND ${reached} <> '{}'::jsonb
           AND jsonb_array_length(jsonb_path_query_array(${reached}, '$.* ? (@ >= $w)',
                 jsonb_build_object('w', extract(epoch FROM
                   CASE WHEN ${days}::int IS NULL
                        THEN date_trunc('month', clock_timestamp() AT TIME ZONE ${tz}) AT TIME ZONE ${tz}
                        ELSE clock_timestamp() - make_interval(days => ${days}::int) END)))) >= ${max}::int)`;
}

/** How long a plan's clearance is trusted at dispatch; an older plan's sends take every probe. */
export const CLEARANCE_MAX_AGE = '1 hour';

/** What the plan's clearance checks: the gate's clock-independent inputs (see `clearanceSql`). */
export interface ClearanceQuery {
  cap: { max: number; days?: number } | null;
  defaultTimeZone: string;
  /** Suppression sources that block this channel (vendor blacklist, hard failures, WeChat refusals). */
  suppressionSources: string[];
}

/**
 * The plan's clearance (ADR 0018) as SQL over a member ref expression, with its parameters
 * numbered from `first`: `joins` to add after the plan's FROM, and `test`, true when the member
 * passes the gate's checks that do not depend on the clock (consent for purpose × channel active,
 * not suppressed, under the frequency cap). The contact point is not among them: the gate reads it
 * at dispatch for every send, cleared or not (it is what is sent), and refuses a send without one
 * there. Set-wise: the planner joins whole tables once for the whole segment, no probe per member.
 * `purpose` and `channel` are the caller's parameter placeholders.
 */
export function clearanceSql(
  member: string,
  purpose: string,
  channel: string,
  first: number,
  q: ClearanceQuery,
): { joins: string; test: string; params: unknown[] } {
  const [max, days, tz, sources] = [first, first + 1, first + 2, first + 3].map((n) => `$${n}`);
  return {
    joins: `LEFT JOIN consent_projection clear_p
              ON clear_p.subject_ref = ${member} AND clear_p.purpose = ${purpose} AND clear_p.channel = ${channel}
            LEFT JOIN send_counters clear_sc
              ON clear_sc.subject_ref = ${member} AND clear_sc.channel = ${channel} AND clear_sc.purpose = ${purpose}
            LEFT JOIN recipient_time_zones clear_tz ON clear_tz.subject_ref = ${member}`,
    // The suppressions as one hashed set (subject_ref is NOT NULL, so NOT IN is exact).
    test: `(clear_p.granted IS TRUE
            AND ${member} NOT IN (SELECT sup.subject_ref FROM suppressions sup
                                   WHERE ${channel} = ANY (sup.channels) AND sup.source = ANY (${sources}::text[]))
            AND NOT coalesce(${capReached('clear_sc.reached', `coalesce(clear_tz.time_zone, ${tz}::text)`, max, days)}, false))`,
    params: [q.cap?.max ?? null, q.cap?.days ?? null, q.defaultTimeZone, q.suppressionSources],
  };
}

/** The gate's one statement for a chunk and its parameters (also what the bench EXPLAINs). */
function gateStatement(q: GateQuery): [string, unknown[]] {
  return [
    `WITH wm AS (
           SELECT count(*)::int AS seen,
                  coalesce(extract(epoch FROM clock_timestamp() - min(at)) * 1000, 1e12)::float8 AS lag_ms
             FROM consent_watermarks WHERE partition < $2),
         ok AS (SELECT wm.seen = $2 AND wm.lag_ms <= $3 AS fresh, wm.lag_ms FROM wm),
         live AS (SELECT EXISTS (SELECT 1 FROM campaign_runs WHERE id = $1 AND state = 'sending') AS live),
         -- The plan's clearance (ADR 0018): trusted while the plan is recent, for members nothing
         -- changed for since the plan's snapshot, and only while no other run on this channel and
         -- purpose admitted a send the snapshot does not see (it may have moved a cap counter).
         run AS (
           SELECT r.plan_snapshot AS snap,
                  r.plan_snapshot IS NOT NULL AND r.planned_at > clock_timestamp() - interval '${CLEARANCE_MAX_AGE}' AS recent
             FROM campaign_runs r WHERE r.id = $1),
         unseen AS MATERIALIZED (
           SELECT g.subject_ref, g.run_id, g.channel, g.purpose FROM gate_changes g, run
            WHERE run.recent AND g.xid >= pg_snapshot_xmin(run.snap) AND NOT pg_visible_in_snapshot(g.xid, run.snap)),
         trusted AS (
           SELECT coalesce((SELECT recent FROM run), false)
                  AND NOT EXISTS (SELECT 1 FROM unseen u
                                   WHERE u.run_id IS NOT NULL AND u.run_id <> $1 AND u.channel = $6 AND u.purpose = $5) AS ok),
         chunk AS (
           SELECT s.send_id, s.subject_ref, s.variant, s.cleared FROM sends s
            WHERE s.run_id = $1 AND s.state = 'planned' AND s.not_before <= clock_timestamp()
              AND (SELECT fresh FROM ok) AND (SELECT live FROM live)
            ORDER BY s.not_before, s.send_id
            LIMIT $4
            FOR UPDATE OF s SKIP LOCKED),
         -- Per recipient, one primary-key probe per table (scalar subqueries run once per row of
         -- the chunk): the statement's cost follows the chunk, never the brand's size. Written as
         -- joins, the planner hashed whole tables once they were mid-sized (three sequential scans
         -- of 20,000-100,000 rows per chunk of 500: most of the gate's overhead, issue 17 §6).
         -- The probes sit in an OFFSET 0 subquery (never pulled up: each runs once per row however
         -- often the decision reads its column) and the decision is materialised once, for the one
         -- UPDATE below; three UPDATEs over a second materialisation cost ~2 ms more per chunk of 500
         -- (EXPLAIN ANALYZE, docs/benchmarks.md).
         v AS MATERIALIZED (
           SELECT x.send_id, x.subject_ref, x.variant, x.sealed,
                  CASE
                    WHEN x.granted IS NULL THEN 'no_consent'
                    WHEN NOT x.granted THEN 'consent_withdrawn'
                    WHEN x.suppressed THEN 'suppressed'
                    WHEN x.sealed IS NULL THEN 'no_contact_point'
                    -- Counted only for a member with reached sends (an empty row counts 0).
                    WHEN ${capReached('x.reached', 'x.tz', '$7', '$8')} THEN 'frequency_cap'
                  END AS reason,
                  CASE WHEN $9::time IS NOT NULL THEN (
                    SELECT CASE WHEN NOT (lt.t::time >= $9::time AND lt.t::time < $10::time)
                      THEN ((CASE WHEN lt.t::time < $9::time THEN lt.t::date ELSE lt.t::date + 1 END) + $9::time)
                           AT TIME ZONE x.tz END
                      FROM (SELECT clock_timestamp() AT TIME ZONE x.tz AS t) lt)
                  END AS defer_until
             FROM (SELECT c.send_id, c.subject_ref, c.variant,
                  -- A cleared send nothing changed for since the plan: its consent, suppressions and
                  -- cap were decided then, set-wise; the contact point is read now (it is sent).
                  CASE WHEN c.fast THEN true ELSE
                    (SELECT p.granted FROM consent_projection p
                      WHERE p.subject_ref = c.subject_ref AND p.purpose = $5 AND p.channel = $6) END AS granted,
                  (SELECT cp.sealed FROM contact_points cp
                    WHERE cp.subject_ref = c.subject_ref AND cp.channel = $6) AS sealed,
                  CASE WHEN c.fast THEN false ELSE
                    EXISTS (SELECT 1 FROM suppressions sup
                             WHERE sup.subject_ref = c.subject_ref AND $6 = ANY (sup.channels)
                               AND sup.source = ANY ($12::text[])) END AS suppressed,
                  coalesce((SELECT rtz.time_zone FROM recipient_time_zones rtz
                             WHERE rtz.subject_ref = c.subject_ref), $11) AS tz,
                  -- Caps read the member's counter row (kept by a trigger on sends, migration
                  -- 1763900003640): one index lookup; the window is compared on epoch seconds, exact.
                  CASE WHEN $7::int IS NOT NULL AND NOT c.fast THEN
                    (SELECT sc.reached FROM send_counters sc
                      WHERE sc.subject_ref = c.subject_ref AND sc.channel = $6 AND sc.purpose = $5)
                  END AS reached
             FROM (SELECT c.send_id, c.subject_ref, c.variant,
                          c.cleared AND (SELECT ok FROM trusted)
                          AND c.subject_ref NOT IN (SELECT u.subject_ref FROM unseen u WHERE u.subject_ref IS NOT NULL) AS fast
                     FROM chunk c OFFSET 0) c OFFSET 0) x),
         -- One UPDATE decides every send of the chunk: refused ones blocked with their reason, those in
         -- quiet hours deferred to the window's next start (still planned), the rest submitting.
         -- dispatched_at = when this statement's snapshot was taken: a send admitted at t saw every
         -- withdrawal the projection had committed before t (the race figure relies on it).
         decided AS (
           UPDATE sends s
              SET state = CASE WHEN v.reason IS NOT NULL THEN 'blocked'
                               WHEN v.defer_until IS NOT NULL THEN s.state ELSE 'submitting' END,
                  reason = CASE WHEN v.reason IS NOT NULL THEN v.reason
                                WHEN v.defer_until IS NOT NULL THEN 'quiet_hours' END,
                  not_before = CASE WHEN v.reason IS NULL AND v.defer_until IS NOT NULL
                                    THEN v.defer_until ELSE s.not_before END,
                  dispatched_at = CASE WHEN v.reason IS NULL AND v.defer_until IS NULL
                                       THEN statement_timestamp() ELSE s.dispatched_at END,
                  updated_at = clock_timestamp()
             FROM v WHERE s.send_id = v.send_id
           RETURNING s.send_id, s.subject_ref, s.variant, v.sealed, v.reason, v.defer_until),
         -- Other runs' clearance stops trusting caps once this chunk admitted anyone (ADR 0018).
         admissions AS (
           INSERT INTO gate_changes (run_id, channel, purpose)
           SELECT $1, $6, $5 WHERE EXISTS (SELECT 1 FROM decided WHERE reason IS NULL AND defer_until IS NULL))
         SELECT CASE WHEN reason IS NOT NULL THEN 'blocked' WHEN defer_until IS NOT NULL THEN 'deferred'
                     ELSE 'admitted' END AS kind,
                -- The sealed contact point leaves the database only for a send that will use it.
                send_id::text, subject_ref::text, variant,
                CASE WHEN reason IS NULL AND defer_until IS NULL THEN sealed END AS sealed, reason,
                NULL::float8 AS lag_ms, NULL::boolean AS fresh, NULL::boolean AS live FROM decided
         UNION ALL SELECT 'state', NULL, NULL, NULL, NULL, NULL, ok.lag_ms, ok.fresh, live.live FROM ok, live`,
    [
      q.runId,
      q.partitions,
      q.freshnessBoundMs,
      q.limit,
      q.purpose,
      q.channel,
      q.cap?.max ?? null,
      q.cap?.days ?? null,
      q.quietHours?.start ?? null,
      q.quietHours?.end ?? null,
      q.defaultTimeZone,
      q.suppressionSources,
    ],
  ];
}

/** Benchmarks only: the same claim of a chunk with no check at all (the gate's same-run baseline). */
function ungatedStatement(runId: string, channel: Channel, limit: number): [string, unknown[]] {
  return [
    `WITH chunk AS (
       SELECT s.send_id FROM sends s
        WHERE s.run_id = $1 AND s.state = 'planned' AND s.not_before <= clock_timestamp()
        ORDER BY s.not_before, s.send_id LIMIT $3 FOR UPDATE OF s SKIP LOCKED),
     admitted AS (
       UPDATE sends s SET state = 'submitting', dispatched_at = clock_timestamp(), updated_at = clock_timestamp()
         FROM chunk c, contact_points cp
        WHERE s.send_id = c.send_id AND cp.subject_ref = s.subject_ref AND cp.channel = $2
       RETURNING s.send_id, s.subject_ref, s.variant, cp.sealed)
     SELECT * FROM admitted`,
    [runId, channel, limit],
  ];
}

export class ConsentProjectionRepository {
  /** Applies a ledger entry unless a newer one for the same purpose × channel already did. */
  async apply(
    tx: EntityManager,
    brandId: string,
    subjectRef: string,
    purposes: Purpose[],
    channels: Channel[],
    granted: boolean,
    seq: number,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO consent_projection (subject_ref, brand_id, purpose, channel, granted, ledger_seq)
       SELECT $1, $2, p, c, $5, $6 FROM unnest($3::text[]) p, unnest($4::text[]) c
       ON CONFLICT (subject_ref, purpose, channel) DO UPDATE
         SET granted = EXCLUDED.granted, ledger_seq = EXCLUDED.ledger_seq, updated_at = now()
       WHERE consent_projection.ledger_seq < EXCLUDED.ledger_seq`,
      [subjectRef, brandId, purposes, channels, granted, seq],
    );
  }

  async saveContactPoint(
    tx: EntityManager,
    subjectRef: string,
    channel: Channel,
    sealed: string,
    seq: number,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO contact_points (subject_ref, channel, sealed, ledger_seq) VALUES ($1, $2, $3, $4)
       ON CONFLICT (subject_ref, channel) DO UPDATE SET sealed = EXCLUDED.sealed, ledger_seq = EXCLUDED.ledger_seq
       WHERE contact_points.ledger_seq < EXCLUDED.ledger_seq`,
      [subjectRef, channel, sealed, seq],
    );
  }

  /**
   * The member's own time zone for quiet hours, when the grant carried one PostgreSQL knows (an
   * unknown name would fail every gate statement it met, so it is never stored: the brand's zone
   * applies). Answers whether it was stored.
   */
  async saveRecipientTimeZone(tx: EntityManager, subjectRef: string, timeZone: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO recipient_time_zones (subject_ref, time_zone)
       SELECT $1, name FROM pg_timezone_names WHERE name = $2 LIMIT 1
       ON CONFLICT (subject_ref) DO UPDATE SET time_zone = EXCLUDED.time_zone
       RETURNING 1`,
      [subjectRef, timeZone],
    );
    return rows.length > 0;
  }

  /** Contact points whose value does not start with `currentPrefix`, locked, in key order. */
  async lockContactPointsNotSealedUnder(
    tx: EntityManager,
    currentPrefix: string,
    after: { subjectRef: string; channel: string } | null,
    limit: number,
  ): Promise<{ subjectRef: string; channel: string; sealed: string }[]> {
    const rows: { subject_ref: string; channel: string; sealed: string }[] = await tx.query(
      `SELECT subject_ref, channel, sealed FROM contact_points
        WHERE left(sealed, length($1)) <> $1 AND ($2::uuid IS NULL OR (subject_ref, channel) > ($2::uuid, $3::text))
        ORDER BY subject_ref, channel
        LIMIT $4
        FOR UPDATE`,
      [currentPrefix, after?.subjectRef ?? null, after?.channel ?? null, limit],
    );
    return rows.map((r) => ({ subjectRef: r.subject_ref, channel: r.channel, sealed: r.sealed }));
  }

  /** The same contact points sealed again (key rotation); answers how many rows changed. */
  async replaceSealedContactPoints(
    tx: EntityManager,
    rows: { subjectRef: string; channel: string; sealed: string }[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    // A CTE, so the driver answers rows (a bare UPDATE answers [rows, count]).
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(subject_ref, channel, sealed)),
            u AS (UPDATE contact_points cp SET sealed = v.sealed FROM v
                   WHERE cp.subject_ref = v.subject_ref AND cp.channel = v.channel RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [rows.map((r) => r.subjectRef), rows.map((r) => r.channel), rows.map((r) => r.sealed)],
    );
    return n;
  }

  /** R10: a channel with no active purpose left keeps no contact point; no consent left, no time zone. */
  async dropUnusedContactPoints(tx: EntityManager, subjectRef: string): Promise<void> {
    await tx.query(
      `DELETE FROM contact_points cp WHERE cp.subject_ref = $1 AND NOT EXISTS (
         SELECT 1 FROM consent_projection p WHERE p.subject_ref = cp.subject_ref AND p.channel = cp.channel AND p.granted)`,
      [subjectRef],
    );
    await tx.query(
      `DELETE FROM recipient_time_zones z WHERE z.subject_ref = $1 AND NOT EXISTS (
         SELECT 1 FROM consent_projection p WHERE p.subject_ref = z.subject_ref AND p.granted)`,
      [subjectRef],
    );
  }

  async recordSuppression(
    tx: EntityManager,
    subjectRef: string,
    purposes: Purpose[],
    channels: Channel[],
    source: string,
    effectiveAt: string,
  ): Promise<void> {
    await tx.query(
      'INSERT INTO suppressions (subject_ref, purposes, channels, source, effective_at) VALUES ($1, $2, $3, $4, $5)',
      [subjectRef, purposes, channels, source, effectiveAt],
    );
  }

  /**
   * The clearance log's retention (ADR 0018): a plan is trusted one hour, so a day-old entry can no
   * longer change a dispatch. Answers how many entries went.
   */
  async pruneGateChanges(tx: EntityManager): Promise<number> {
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH d AS (DELETE FROM gate_changes WHERE at < clock_timestamp() - interval '1 day' RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
    );
    return n;
  }

  /** The database's clock: watermarks and gate deadlines are compared on it, never on Node's. */
  async databaseNow(tx: EntityManager): Promise<string> {
    const [{ now }] = await tx.query('SELECT clock_timestamp() AS now');
    return new Date(now).toISOString();
  }

  async advanceWatermark(tx: EntityManager, partition: number, at: string): Promise<void> {
    await tx.query(
      `INSERT INTO consent_watermarks (partition, at) VALUES ($1, $2)
       ON CONFLICT (partition) DO UPDATE SET at = GREATEST(consent_watermarks.at, EXCLUDED.at)`,
      [partition, at],
    );
  }

  /**
   * The send gate for one chunk of a run, as ONE statement (one snapshot): the watermark is fresh,
   * the run is live, and per planned send: consent for purpose × channel active, not suppressed, a
   * contact point, under the frequency cap, inside the quiet-hours window in the recipient's zone
   * (else deferred to the window's next start, not dropped). Refusals are stored with their reason,
   * admitted sends move to `submitting` with their dispatch time. The projection is read, never
   * locked: a withdrawal applied after this snapshot is covered by the freshness bound (ADR 0006).
   * A send the plan cleared is decided from its clearance for consent, suppressions and the cap
   * unless a change the plan's snapshot did not see concerns it (ADR 0018); the chunk logs its
   * admissions for other runs' clearance.
   */
  async admitChunk(tx: EntityManager, q: GateQuery): Promise<GateChunk> {
    const rows: {
      kind: 'admitted' | 'blocked' | 'deferred' | 'state';
      send_id: string | null;
      subject_ref: string | null;
      variant: number | null;
      sealed: string | null;
      reason: GateRefusal | null;
      lag_ms: number | null;
      fresh: boolean | null;
      live: boolean | null;
    }[] = await tx.query(...gateStatement(q));
    const state = rows.find((r) => r.kind === 'state')!;
    return {
      fresh: state.fresh === true,
      live: state.live === true,
      lagMs: Number(state.lag_ms),
      admitted: rows
        .filter((r) => r.kind === 'admitted')
        .map((r) => ({
          sendId: r.send_id!,
          subjectRef: r.subject_ref!,
          variant: r.variant!,
          sealedContact: r.sealed!,
        })),
      blocked: rows
        .filter((r) => r.kind === 'blocked')
        .map((r) => ({ sendId: r.send_id!, reason: r.reason! })),
      deferred: rows.filter((r) => r.kind === 'deferred').length,
    };
  }

  /**
   * Benchmarks only: EXPLAIN (ANALYZE, BUFFERS) of the gate's statement for one chunk (or, `off`,
   * of the ungated claim). ANALYZE runs it: the caller rolls its transaction back.
   */
  async explainAdmitChunk(tx: EntityManager, q: GateQuery, gate: 'on' | 'off' = 'on'): Promise<string> {
    const [sql, params] = gate === 'off' ? ungatedStatement(q.runId, q.channel, q.limit) : gateStatement(q);
    const rows: { 'QUERY PLAN': string }[] = await tx.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  /**
   * Benchmarks only (`sendGate: 'off-for-benchmark'`): the same claim of a chunk with no check at
   * all, so the gate's overhead can be measured against it in the same run.
   */
  async admitChunkUngated(
    tx: EntityManager,
    runId: string,
    channel: Channel,
    limit: number,
  ): Promise<GateChunk> {
    const rows: { send_id: string; subject_ref: string; variant: number; sealed: string }[] = await tx.query(
      ...ungatedStatement(runId, channel, limit),
    );
    return {
      fresh: true,
      live: true,
      lagMs: 0,
      admitted: rows.map((r) => ({
        sendId: r.send_id,
        subjectRef: r.subject_ref,
        variant: r.variant,
        sealedContact: r.sealed,
      })),
      blocked: [],
      deferred: 0,
    };
  }

  /** One recipient's consent and contact point (the withdrawal benchmark's per-recipient probe). */
  async consentAndContactOf(
    tx: EntityManager,
    subjectRef: string,
    purpose: Purpose,
    channel: Channel,
  ): Promise<{ granted: boolean | null; sealed: string | null }> {
    const [r] = await tx.query(
      `SELECT p.granted, cp.sealed FROM (SELECT 1) one
         LEFT JOIN consent_projection p ON p.subject_ref = $1 AND p.purpose = $2 AND p.channel = $3
         LEFT JOIN contact_points cp ON cp.subject_ref = $1 AND cp.channel = $3`,
      [subjectRef, purpose, channel],
    );
    return { granted: r.granted ?? null, sealed: r.sealed ?? null };
  }

  /** Invariant 4's freshness: every partition reported, and the oldest watermark's age in ms (or since `since`). */
  async watermarkLag(
    tx: EntityManager,
    partitions: number,
    since: string | null,
  ): Promise<{ seenAll: boolean; lagMs: number }> {
    const [row] = await tx.query(
      `SELECT count(*)::int AS seen,
              coalesce(extract(epoch FROM coalesce($2::timestamptz, clock_timestamp()) - min(at)) * 1000, 1e12) AS lag_ms
         FROM consent_watermarks WHERE partition < $1`,
      [partitions, since],
    );
    return { seenAll: row.seen === partitions, lagMs: Number(row.lag_ms) };
  }

  /** Age of the oldest partition's watermark in seconds (the readiness metric); null before any. */
  async oldestWatermarkAgeSeconds(tx: EntityManager): Promise<number | null> {
    const [{ age }] = await tx.query(
      'SELECT extract(epoch FROM clock_timestamp() - min(at))::float8 AS age FROM consent_watermarks',
    );
    return age === null ? null : Number(age);
  }

  /**
   * R10: a withdrawal prunes outreach's own copies resting on it: the member leaves every stored
   * segment version of that purpose × channel, and planned sends become `blocked` (the send log
   * and the suppression record stay as proof). Answers how many planned sends it stopped.
   */
  async pruneAfterWithdrawal(
    tx: EntityManager,
    subjectRef: string,
    purposes: Purpose[],
    channels: Channel[],
  ): Promise<number> {
    await tx.query(
      `DELETE FROM segment_members m USING segment_versions v
        WHERE m.subject_ref = $1 AND v.segment_id = m.segment_id AND v.version = m.version
          AND v.purpose = ANY ($2::text[]) AND v.channel = ANY ($3::text[])`,
      [subjectRef, purposes, channels],
    );
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH u AS (UPDATE sends SET state = 'blocked', reason = 'consent_withdrawn', updated_at = clock_timestamp()
                   WHERE subject_ref = $1 AND state = 'planned'
                     AND purpose = ANY ($2::text[]) AND channel = ANY ($3::text[])
                  RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [subjectRef, purposes, channels],
    );
    return n;
  }

  /** Sealed contact points of these members on one channel (reconciling needs the number again). */
  async sealedContactsOf(
    tx: EntityManager,
    subjectRefs: string[],
    channel: Channel,
  ): Promise<Map<string, string>> {
    const rows: { subject_ref: string; sealed: string }[] = await tx.query(
      'SELECT subject_ref, sealed FROM contact_points WHERE subject_ref = ANY ($1::uuid[]) AND channel = $2',
      [subjectRefs, channel],
    );
    return new Map(rows.map((r) => [r.subject_ref, r.sealed]));
  }
}
