import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';

export interface Campaign {
  id: string;
  brandId: string;
  name: string;
  segmentId: string;
  purpose: Purpose;
  channel: Channel;
  body: string;
}

export interface RunCounts {
  sent: number;
  suppressed: number;
  reasons: Record<string, number>;
}

export class CampaignRepository {
  async create(tx: EntityManager, c: Omit<Campaign, 'id'>, createdBy: string): Promise<Campaign> {
    const id = randomUUID();
    await tx.query(
      'INSERT INTO campaigns (id, brand_id, name, segment_id, purpose, channel, body, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [id, c.brandId, c.name, c.segmentId, c.purpose, c.channel, c.body, createdBy],
    );
    return { ...c, id };
  }

  async find(tx: EntityManager, brandId: string, id: string): Promise<Campaign | null> {
    const [r] = await tx.query('SELECT * FROM campaigns WHERE id = $1 AND brand_id = $2', [id, brandId]);
    return r
      ? {
          id: r.id,
          brandId: r.brand_id,
          name: r.name,
          segmentId: r.segment_id,
          purpose: r.purpose,
          channel: r.channel,
          body: r.body,
        }
      : null;
  }

  /** The newest segment version whose every part has arrived. */
  async latestCompleteSegmentVersion(tx: EntityManager, segmentId: string): Promise<number | null> {
    const [r] = await tx.query(
      'SELECT version FROM segment_versions WHERE segment_id = $1 AND parts_received >= parts ORDER BY version DESC LIMIT 1',
      [segmentId],
    );
    return r?.version ?? null;
  }

  async startRun(
    tx: EntityManager,
    campaignId: string,
    segmentVersion: number,
    actorId: string,
  ): Promise<string> {
    const id = randomUUID();
    await tx.query(
      'INSERT INTO campaign_runs (id, campaign_id, segment_version, status, started_by) VALUES ($1, $2, $3, $4, $5)',
      [id, campaignId, segmentVersion, 'running', actorId],
    );
    return id;
  }

  async pendingRecipients(
    tx: EntityManager,
    runId: string,
    segmentId: string,
    version: number,
    limit: number,
  ): Promise<string[]> {
    const rows = await tx.query(
      `SELECT m.subject_ref FROM segment_members m
        WHERE m.segment_id = $1 AND m.version = $2
          AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.run_id = $3 AND s.subject_ref = m.subject_ref)
        ORDER BY m.subject_ref LIMIT $4`,
      [segmentId, version, runId, limit],
    );
    return rows.map((r: { subject_ref: string }) => r.subject_ref);
  }

  /** Idempotent per (run, subject): a retried run never dispatches twice to one person. */
  async recordSend(
    tx: EntityManager,
    runId: string,
    subjectRef: string,
    status: 'sent' | 'suppressed',
    reason: string | null,
  ): Promise<boolean> {
    const rows = await tx.query(
      'INSERT INTO sends (run_id, subject_ref, status, reason) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING run_id',
      [runId, subjectRef, status, reason],
    );
    return rows.length === 1;
  }

  async finishRun(
    tx: EntityManager,
    runId: string,
    status: 'completed' | 'paused_stale_consent',
  ): Promise<void> {
    await tx.query('UPDATE campaign_runs SET status = $2, finished_at = now() WHERE id = $1', [
      runId,
      status,
    ]);
  }

  async runCounts(tx: EntityManager, runId: string): Promise<RunCounts> {
    const rows = await tx.query(
      'SELECT status, reason, count(*)::int AS n FROM sends WHERE run_id = $1 GROUP BY status, reason',
      [runId],
    );
    const counts: RunCounts = { sent: 0, suppressed: 0, reasons: {} };
    for (const r of rows as { status: 'sent' | 'suppressed'; reason: string | null; n: number }[]) {
      counts[r.status] += r.n;
      if (r.reason) counts.reasons[r.reason] = (counts.reasons[r.reason] ?? 0) + r.n;
    }
    return counts;
  }

  async runStatus(tx: EntityManager, runId: string): Promise<string | null> {
    const [r] = await tx.query('SELECT status FROM campaign_runs WHERE id = $1', [runId]);
    return r?.status ?? null;
  }
}
