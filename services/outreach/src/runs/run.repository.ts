import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export type RunState = 'queued' | 'sending' | 'paused' | 'done' | 'cancelled';

export interface CampaignRun {
  id: string;
  campaignId: string;
  segmentId: string;
  segmentVersion: number;
  state: RunState;
  pausedReason: string | null;
  planned: boolean;
  startedBy: string;
  createdAt: string;
  finishedAt: string | null;
}

export interface RunResults {
  targeted: number;
  /** Planned and not yet decided (includes those deferred by quiet hours). */
  pending: number;
  deferredByQuietHours: number;
  blocked: Record<string, number>;
  /** Handed to the vendor (submitted, delivered, failed after submission, or being reconciled). */
  submitted: number;
  delivered: number;
  failed: Record<string, number>;
  /** Outcome unknown (vendor timeout or crash): reconciled from the vendor, never resent blind. */
  reconciling: number;
  cancelled: number;
  /** Recipients who withdrew for this channel within 72 h after the message (R9, attributed). */
  optedOutWithin72h: number;
  partsBilled: number;
}

type Row = Record<string, any>;

function toRun(r: Row): CampaignRun {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    segmentId: r.segment_id,
    segmentVersion: r.segment_version,
    state: r.state,
    pausedReason: r.paused_reason,
    planned: r.planned,
    startedBy: r.started_by,
    createdAt: new Date(r.created_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };
}

export class RunRepository {
  async create(
    tx: EntityManager,
    campaignId: string,
    segmentId: string,
    segmentVersion: number,
    startedBy: string,
  ): Promise<CampaignRun> {
    const [row] = await tx.query(
      // created_at is when the run was made, not when its transaction began (now()): a scheduled
      // campaign is claimed once clock_timestamp() reaches its time, inside a transaction that may
      // have begun a few ms earlier, and its run must not show a time before the one scheduled.
      `INSERT INTO campaign_runs (id, campaign_id, segment_id, segment_version, state, started_by, created_at)
       VALUES ($1, $2, $3, $4, 'queued', $5, clock_timestamp()) RETURNING *`,
      [randomUUID(), campaignId, segmentId, segmentVersion, startedBy],
    );
    return toRun(row);
  }

  async find(tx: EntityManager, id: string): Promise<CampaignRun | null> {
    const [r] = await tx.query('SELECT * FROM campaign_runs WHERE id = $1', [id]);
    return r ? toRun(r) : null;
  }

  async listForCampaign(tx: EntityManager, campaignId: string): Promise<CampaignRun[]> {
    const rows = await tx.query(
      'SELECT * FROM campaign_runs WHERE campaign_id = $1 ORDER BY created_at DESC, id',
      [campaignId],
    );
    return rows.map(toRun);
  }

  /** The run a pause, resume or cancel acts on: the campaign's newest one not finished. */
  async lockOpenRun(tx: EntityManager, campaignId: string): Promise<CampaignRun | null> {
    const [r] = await tx.query(
      `SELECT * FROM campaign_runs WHERE campaign_id = $1 AND state IN ('queued', 'sending', 'paused')
        ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [campaignId],
    );
    return r ? toRun(r) : null;
  }

  /**
   * Claims the oldest queued or sending run whose lease is free (or already ours): after a crash the
   * lease runs out and another process, or the restarted one, continues the run where it stopped.
   */
  async claimNext(tx: EntityManager, owner: string, leaseMs: number): Promise<CampaignRun | null> {
    const [r] = await tx.query(
      `WITH next AS (
         SELECT id FROM campaign_runs
          WHERE state IN ('queued', 'sending')
            AND (lease_until IS NULL OR lease_until < clock_timestamp() OR lease_owner = $1)
          ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE campaign_runs r SET lease_owner = $1, lease_until = clock_timestamp() + make_interval(secs => $2::float8 / 1000)
           FROM next WHERE r.id = next.id
         RETURNING r.*)
       SELECT * FROM claimed`,
      [owner, leaseMs],
    );
    return r ? toRun(r) : null;
  }

  async renewLease(tx: EntityManager, id: string, owner: string, leaseMs: number): Promise<void> {
    await tx.query(
      `UPDATE campaign_runs SET lease_until = clock_timestamp() + make_interval(secs => $3::float8 / 1000)
        WHERE id = $1 AND lease_owner = $2`,
      [id, owner, leaseMs],
    );
  }

  async releaseLease(tx: EntityManager, id: string, owner: string): Promise<void> {
    await tx.query(
      'UPDATE campaign_runs SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2',
      [id, owner],
    );
  }

  async setState(
    tx: EntityManager,
    id: string,
    state: RunState,
    pausedReason: string | null = null,
  ): Promise<void> {
    await tx.query(
      `UPDATE campaign_runs SET state = $2, paused_reason = $3,
              finished_at = CASE WHEN $2 IN ('done', 'cancelled') THEN clock_timestamp() ELSE finished_at END
        WHERE id = $1`,
      [id, state, pausedReason],
    );
  }

  /** Paused runs whose reason is one of `reasons` (the system's own pauses), oldest first. */
  async listPausedFor(tx: EntityManager, reasons: readonly string[], limit: number): Promise<CampaignRun[]> {
    const rows = await tx.query(
      `SELECT * FROM campaign_runs WHERE state = 'paused' AND paused_reason = ANY ($1::text[])
        ORDER BY created_at LIMIT $2`,
      [reasons, limit],
    );
    return rows.map(toRun);
  }

  /** Planned once; a queued run becomes sending, a run paused or cancelled meanwhile stays so. */
  async markPlanned(tx: EntityManager, id: string): Promise<void> {
    await tx.query(
      `UPDATE campaign_runs SET planned = true,
              state = CASE WHEN state = 'queued' THEN 'sending' ELSE state END
        WHERE id = $1`,
      [id],
    );
  }

  /**
   * The system's own pause: only a run still working (queued or sending) is paused, so a marketer's
   * pause or cancel committed meanwhile is never overwritten by a reason the system clears by itself.
   * Answers whether it paused the run.
   */
  async pauseIfWorking(tx: EntityManager, id: string, reason: string): Promise<boolean> {
    const rows = await tx.query(
      `WITH paused AS (
         UPDATE campaign_runs SET state = 'paused', paused_reason = $2
          WHERE id = $1 AND state IN ('queued', 'sending') RETURNING id)
       SELECT id FROM paused`,
      [id, reason],
    );
    return rows.length > 0;
  }

  async results(tx: EntityManager, runId: string): Promise<RunResults> {
    const rows: {
      state: string;
      reason: string | null;
      error_code: string | null;
      n: number;
      parts: number;
    }[] = await tx.query(
      `SELECT state, reason, error_code, count(*)::int AS n, coalesce(sum(parts), 0)::int AS parts
           FROM sends WHERE run_id = $1 GROUP BY state, reason, error_code`,
      [runId],
    );
    const r: RunResults = {
      targeted: 0,
      pending: 0,
      deferredByQuietHours: 0,
      blocked: {},
      submitted: 0,
      delivered: 0,
      failed: {},
      reconciling: 0,
      cancelled: 0,
      optedOutWithin72h: 0,
      partsBilled: 0,
    };
    for (const row of rows) {
      r.targeted += row.n;
      switch (row.state) {
        case 'planned':
          r.pending += row.n;
          if (row.reason === 'quiet_hours') r.deferredByQuietHours += row.n;
          break;
        case 'blocked':
          r.blocked[row.reason ?? 'unknown'] = (r.blocked[row.reason ?? 'unknown'] ?? 0) + row.n;
          break;
        case 'submitting':
        case 'unknown':
          r.reconciling += row.n;
          r.submitted += row.n;
          break;
        case 'submitted':
          r.submitted += row.n;
          r.partsBilled += row.parts;
          break;
        case 'delivered':
          r.submitted += row.n;
          r.delivered += row.n;
          r.partsBilled += row.parts;
          break;
        case 'failed': {
          const code = row.error_code ?? 'unknown';
          r.failed[code] = (r.failed[code] ?? 0) + row.n;
          // A vendor refusal at submit never reached a carrier (or WeChat user); a failed receipt did.
          if (!['vendor_refused', 'vendor_blacklist', 'wechat_refused'].includes(row.reason ?? ''))
            r.submitted += row.n;
          break;
        }
        case 'cancelled':
          r.cancelled += row.n;
          break;
      }
    }
    const [{ n }] = await tx.query(
      `SELECT count(DISTINCT s.subject_ref)::int AS n
         FROM sends s JOIN suppressions x ON x.subject_ref = s.subject_ref AND s.channel = ANY (x.channels)
        WHERE s.run_id = $1 AND s.dispatched_at IS NOT NULL AND s.state IN ('submitted', 'delivered')
          AND x.effective_at >= s.dispatched_at AND x.effective_at < s.dispatched_at + interval '72 hours'`,
      [runId],
    );
    r.optedOutWithin72h = n;
    return r;
  }
}
