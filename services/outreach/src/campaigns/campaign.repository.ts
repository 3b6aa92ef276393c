import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';

export type CampaignState = 'draft' | 'scheduled' | 'sending' | 'done' | 'paused' | 'cancelled';

export type CampaignSchedule =
  { kind: 'now' } | { kind: 'at'; at: string } | { kind: 'cron'; cron: string; timeZone: string };

/** A content variant (A/B): the same offer for every recipient, only the wording differs (R13). */
export interface CampaignVariant {
  name: string;
  variables: Record<string, string>;
}

/**
 * What a WeCom or WeChat campaign says (an SMS campaign says what its vendor template says).
 * WeCom: one text, sent by each customer's own staff member (add_msg_template); the unsubscribe
 * link is filled per recipient. WeChat: a subscription-message template (订阅通知) with its keyword
 * values and the page it opens.
 */
export type PlatformMessage =
  | { kind: 'wecom'; text: string }
  | { kind: 'wechat'; templateId: string; data: Record<string, string>; page?: string };

export interface Campaign {
  id: string;
  brandId: string;
  name: string;
  segmentId: string;
  purpose: Purpose;
  channel: Channel;
  /** SMS campaigns: the vendor-approved template; null for WeCom and WeChat. */
  templateId: string | null;
  /** WeCom and WeChat campaigns: what they send; null for SMS. */
  message: PlatformMessage | null;
  variants: CampaignVariant[];
  schedule: CampaignSchedule;
  caps: { maxRecipients?: number };
  quietHours: { start: string; end: string } | null;
  state: CampaignState;
  nextRunAt: string | null;
  createdBy: string;
  createdAt: string;
}

type Row = Record<string, any>;

function toCampaign(r: Row): Campaign {
  return {
    id: r.id,
    brandId: r.brand_id,
    name: r.name,
    segmentId: r.segment_id,
    purpose: r.purpose,
    channel: r.channel,
    templateId: r.template_id,
    message: r.message ?? null,
    variants: r.variants,
    schedule: r.schedule,
    caps: r.caps,
    quietHours: r.quiet_hours,
    state: r.state,
    nextRunAt: r.next_run_at ? new Date(r.next_run_at).toISOString() : null,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export class CampaignRepository {
  async create(
    tx: EntityManager,
    c: Omit<Campaign, 'id' | 'state' | 'nextRunAt' | 'createdAt'>,
  ): Promise<Campaign> {
    const [row] = await tx.query(
      `INSERT INTO campaigns (id, brand_id, name, segment_id, purpose, channel, template_id, variants,
                              schedule, caps, quiet_hours, state, created_by, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'draft', $12, $13) RETURNING *`,
      [
        randomUUID(),
        c.brandId,
        c.name,
        c.segmentId,
        c.purpose,
        c.channel,
        c.templateId,
        JSON.stringify(c.variants),
        JSON.stringify(c.schedule),
        JSON.stringify(c.caps),
        c.quietHours === null ? 'null' : JSON.stringify(c.quietHours),
        c.createdBy,
        c.message === null ? null : JSON.stringify(c.message),
      ],
    );
    return toCampaign(row);
  }

  async find(tx: EntityManager, brandId: string, id: string, lock = false): Promise<Campaign | null> {
    const [r] = await tx.query(
      `SELECT * FROM campaigns WHERE id = $1 AND brand_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [id, brandId],
    );
    return r ? toCampaign(r) : null;
  }

  async findById(tx: EntityManager, id: string): Promise<Campaign | null> {
    const [r] = await tx.query('SELECT * FROM campaigns WHERE id = $1', [id]);
    return r ? toCampaign(r) : null;
  }

  async list(tx: EntityManager, brandId: string, limit: number): Promise<Campaign[]> {
    const rows = await tx.query(
      'SELECT * FROM campaigns WHERE brand_id = $1 ORDER BY created_at DESC, id LIMIT $2',
      [brandId, limit],
    );
    return rows.map(toCampaign);
  }

  async setState(
    tx: EntityManager,
    id: string,
    state: CampaignState,
    nextRunAt?: string | null,
  ): Promise<void> {
    await tx.query(
      `UPDATE campaigns SET state = $2, next_run_at = CASE WHEN $3::boolean THEN $4::timestamptz ELSE next_run_at END
        WHERE id = $1`,
      [id, state, nextRunAt !== undefined, nextRunAt ?? null],
    );
  }

  /** Scheduled campaigns whose time has come, locked so one process starts each run once. */
  async lockDue(tx: EntityManager, limit: number): Promise<Campaign[]> {
    const rows = await tx.query(
      `SELECT * FROM campaigns WHERE state = 'scheduled' AND next_run_at <= clock_timestamp()
        ORDER BY next_run_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toCampaign);
  }

  /** The newest segment version whose every part has arrived. */
  async latestCompleteSegmentVersion(tx: EntityManager, segmentId: string): Promise<number | null> {
    const [r] = await tx.query(
      'SELECT version FROM segment_versions WHERE segment_id = $1 AND parts_received >= parts ORDER BY version DESC LIMIT 1',
      [segmentId],
    );
    return r?.version ?? null;
  }

  async segmentPurposeAndChannel(
    tx: EntityManager,
    segmentId: string,
  ): Promise<{ purpose: Purpose; channel: Channel } | null> {
    const [r] = await tx.query(
      'SELECT purpose, channel FROM segment_versions WHERE segment_id = $1 ORDER BY version DESC LIMIT 1',
      [segmentId],
    );
    return r ?? null;
  }
}
