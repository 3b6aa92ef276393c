import type { EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';
import {
  clearanceSql,
  REACHED_STATES,
  type ClearanceQuery,
} from '../consent-projection/consent-projection.repository';

export type SendState =
  'planned' | 'blocked' | 'submitting' | 'submitted' | 'unknown' | 'delivered' | 'failed' | 'cancelled';

export interface Send {
  sendId: string;
  runId: string;
  subjectRef: string;
  channel: Channel;
  variant: number;
  state: SendState;
  reason: string | null;
  notBefore: string;
  vendor: string | null;
  vendorMessageId: string | null;
  batchId: string | null;
  errorCode: string | null;
  parts: number | null;
  dispatchedAt: string | null;
  reportedAt: string | null;
}

/** What a vendor said of one send: written back in one statement per chunk. */
export interface SendOutcome {
  sendId: string;
  state: 'submitted' | 'delivered' | 'failed' | 'unknown' | 'planned';
  vendorMessageId?: string;
  batchId?: string;
  errorCode?: string;
  reason?: string;
}

type Row = Record<string, any>;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toSend(r: Row): Send {
  return {
    sendId: r.send_id,
    runId: r.run_id,
    subjectRef: r.subject_ref,
    channel: r.channel,
    variant: r.variant,
    state: r.state,
    reason: r.reason,
    notBefore: iso(r.not_before)!,
    vendor: r.vendor,
    vendorMessageId: r.vendor_message_id,
    batchId: r.batch_id,
    errorCode: r.error_code,
    parts: r.parts,
    dispatchedAt: iso(r.dispatched_at),
    reportedAt: iso(r.reported_at),
  };
}

export class SendRepository {
  /**
   * One planned send per member of the pinned segment version, one statement: send id = the row's
   * uuid, variant by a stable hash of member and campaign (content only, R13). A campaign that is not
   * recurring skips members an earlier run already reached: at most once per member.
   */
  async plan(
    tx: EntityManager,
    p: {
      runId: string;
      campaignId: string;
      segmentId: string;
      segmentVersion: number;
      purpose: Purpose;
      channel: Channel;
      variants: number;
      recurring: boolean;
      maxRecipients: number | null;
      /** Billed parts of one message (the same for every recipient: one offer for all). */
      parts: number;
      /**
       * The gate's clock-independent checks, judged for every member as the sends are planned
       * (ADR 0018); null plans every send uncleared (each takes every probe at dispatch).
       */
      clearance: ClearanceQuery | null;
    },
  ): Promise<number> {
    // A campaign's first run has reached nobody yet: skip the once-per-member anti-join. While the
    // INSERT fills `sends`, a planner that thought the table empty would scan it once per member,
    // rows just inserted included — quadratic (a 100k-member plan ran for minutes in the bench).
    const [{ reachedBefore }]: { reachedBefore: boolean }[] = await tx.query(
      'SELECT EXISTS (SELECT 1 FROM sends WHERE campaign_id = $1) AS "reachedBefore"',
      [p.campaignId],
    );
    // Clearance and the run's plan snapshot in the one statement that plans: the gate trusts a
    // cleared send only for changes this statement's snapshot saw (ADR 0018).
    const clearance = p.clearance
      ? clearanceSql('m.subject_ref', '$6::text', '$5::text', 12, p.clearance)
      : null;
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH ins AS (
         INSERT INTO sends (send_id, run_id, campaign_id, subject_ref, channel, purpose, variant, state, parts, cleared)
         SELECT gen_random_uuid(), $1::uuid, $2::uuid, m.subject_ref, $5::text, $6::text,
                (abs(hashtext(m.subject_ref::text || $2::text)) % $7::int)::int, 'planned', $11::int,
                ${clearance ? clearance.test : 'false'}
           FROM segment_members m ${clearance ? clearance.joins : ''}
          WHERE m.segment_id = $3::uuid AND m.version = $4::int
            AND ($8::boolean OR NOT EXISTS (
                  SELECT 1 FROM sends x WHERE x.campaign_id = $2::uuid AND x.subject_ref = m.subject_ref
                     AND x.channel = $5 AND x.state = ANY ($10::text[])))
          ORDER BY m.subject_ref
          LIMIT $9::int
         ON CONFLICT (run_id, subject_ref, channel) DO NOTHING
         RETURNING 1)${
           clearance
             ? `,
       snapshot AS (
         UPDATE campaign_runs SET plan_snapshot = pg_current_snapshot(), planned_at = clock_timestamp()
          WHERE id = $1::uuid RETURNING 1)`
             : ''
         }
       SELECT count(*)::int AS n FROM ins`,
      [
        p.runId,
        p.campaignId,
        p.segmentId,
        p.segmentVersion,
        p.channel,
        p.purpose,
        p.variants,
        p.recurring || !reachedBefore,
        p.maxRecipients,
        REACHED_STATES,
        p.parts,
        ...(clearance?.params ?? []),
      ],
    );
    return n;
  }

  /**
   * `ANALYZE sends` after a plan: a sampled read (~30,000 rows whatever the table's size), so the
   * planner knows how many sends are planned before the run's first claim.
   */
  async refreshStatistics(manager: EntityManager): Promise<void> {
    await manager.query('ANALYZE sends');
  }

  /** Outcomes of one chunk, one statement (arrays through unnest). */
  async recordOutcomes(tx: EntityManager, vendor: string, outcomes: SendOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await tx.query(
      `UPDATE sends s SET state = v.state, vendor = $1,
              vendor_message_id = coalesce(v.vendor_message_id, s.vendor_message_id),
              batch_id = coalesce(v.batch_id, s.batch_id),
              error_code = v.error_code, reason = v.reason,
              dispatched_at = CASE WHEN v.state = 'planned' THEN NULL ELSE s.dispatched_at END,
              reported_at = CASE WHEN v.state IN ('delivered', 'failed') THEN clock_timestamp() ELSE s.reported_at END,
              updated_at = clock_timestamp()
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
              AS v (send_id, state, vendor_message_id, error_code, reason, batch_id)
        WHERE s.send_id = v.send_id
          -- A vendor's final word (a receipt or WeChat's result event) can land before the answer to
          -- the call itself is recorded: that answer must not turn a settled send back into an open one.
          AND NOT (s.state IN ('delivered', 'failed') AND v.state IN ('submitted', 'unknown'))`,
      [
        vendor,
        outcomes.map((o) => o.sendId),
        outcomes.map((o) => o.state),
        outcomes.map((o) => o.vendorMessageId ?? null),
        outcomes.map((o) => o.errorCode ?? null),
        outcomes.map((o) => o.reason ?? null),
        outcomes.map((o) => o.batchId ?? null),
      ],
    );
  }

  /** Sends whose vendor outcome is not known (a crash after admission, a timeout): to reconcile. */
  async inDoubt(tx: EntityManager, runId: string, limit: number): Promise<Send[]> {
    const rows = await tx.query(
      `SELECT * FROM sends WHERE run_id = $1 AND state IN ('submitting', 'unknown') ORDER BY send_id LIMIT $2`,
      [runId, limit],
    );
    return rows.map(toSend);
  }

  /** Submitted but not yet reported, older than `olderThanMs`: for the receipt puller. */
  /** The vendor message ids already recorded on a campaign's sends (every run). */
  async vendorMessageIdsOf(tx: EntityManager, campaignId: string, vendor: string): Promise<Set<string>> {
    const rows: { id: string }[] = await tx.query(
      `SELECT vendor_message_id AS id FROM sends
        WHERE campaign_id = $1 AND vendor = $2 AND vendor_message_id IS NOT NULL`,
      [campaignId, vendor],
    );
    return new Set(rows.map((r) => r.id));
  }

  async awaitingReport(
    tx: EntityManager,
    vendors: string[],
    olderThanMs: number,
    limit: number,
  ): Promise<Send[]> {
    const rows = await tx.query(
      `SELECT * FROM sends WHERE state = 'submitted' AND vendor = ANY ($3::text[])
          AND dispatched_at < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
        ORDER BY dispatched_at LIMIT $2`,
      [olderThanMs, limit, vendors],
    );
    return rows.map(toSend);
  }

  async findByIds(tx: EntityManager, sendIds: string[]): Promise<Send[]> {
    const rows = await tx.query('SELECT * FROM sends WHERE send_id = ANY ($1::uuid[])', [sendIds]);
    return rows.map(toSend);
  }

  async countByState(
    tx: EntityManager,
    runId: string,
  ): Promise<{ planned: number; due: number; inDoubt: number }> {
    const [r] = await tx.query(
      `SELECT count(*) FILTER (WHERE state = 'planned')::int AS planned,
              count(*) FILTER (WHERE state = 'planned' AND not_before <= clock_timestamp())::int AS due,
              count(*) FILTER (WHERE state IN ('submitting', 'unknown'))::int AS in_doubt
         FROM sends WHERE run_id = $1`,
      [runId],
    );
    return { planned: r.planned, due: r.due, inDoubt: r.in_doubt };
  }

  async cancelPlanned(tx: EntityManager, runId: string): Promise<void> {
    await tx.query(
      "UPDATE sends SET state = 'cancelled', updated_at = clock_timestamp() WHERE run_id = $1 AND state = 'planned'",
      [runId],
    );
  }

  async list(
    tx: EntityManager,
    runId: string,
    filter: { state?: SendState; after?: string; limit: number },
  ): Promise<Send[]> {
    const rows = await tx.query(
      `SELECT * FROM sends WHERE run_id = $1 AND ($2::text IS NULL OR state = $2)
          AND ($3::uuid IS NULL OR send_id > $3) ORDER BY send_id LIMIT $4`,
      [runId, filter.state ?? null, filter.after ?? null, filter.limit],
    );
    return rows.map(toSend);
  }

  /** Sends a vendor receipt may be about: same vendor, its message id or our batch id, not yet final. */
  async candidatesForReceipts(
    tx: EntityManager,
    vendor: string,
    vendorMessageIds: string[],
    batchIds: string[],
  ): Promise<Send[]> {
    const rows = await tx.query(
      `SELECT * FROM sends WHERE vendor = $1 AND state IN ('submitting', 'submitted', 'unknown')
          AND (vendor_message_id = ANY ($2::text[]) OR batch_id = ANY ($3::text[]))`,
      [vendor, vendorMessageIds, batchIds],
    );
    return rows.map(toSend);
  }
}
