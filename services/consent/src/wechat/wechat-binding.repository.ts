import type { EntityManager } from 'typeorm';
import type { BlindIndex } from '@siyu/crypto';

/** R1: an openid is personal even though opaque; only its keyed blind index is stored. */
export function openidIndex(index: BlindIndex, brandId: string, openid: string): string {
  return index.compute(`wechat-openid:${brandId}`, openid);
}

export interface WechatEventRow {
  brandId: string;
  openidIndex: string;
  event: string;
  eventKey: string | null;
  createTime: number;
}

/** openid → subject bindings (written when a consent grants the wechat channel) and received events. */
export class WechatBindingRepository {
  /** Called by a grant that covers the wechat channel; a later binding of the openid wins. */
  async bind(tx: EntityManager, brandId: string, openidIndex: string, subjectRef: string): Promise<void> {
    await tx.query(
      `INSERT INTO wechat_bindings (brand_id, openid_index, subject_ref) VALUES ($1, $2, $3)
       ON CONFLICT (brand_id, openid_index) DO UPDATE SET subject_ref = EXCLUDED.subject_ref, bound_at = now()`,
      [brandId, openidIndex, subjectRef],
    );
  }

  async findBoundSubject(tx: EntityManager, brandId: string, openidIndex: string): Promise<string | null> {
    const [row] = await tx.query(
      'SELECT subject_ref FROM wechat_bindings WHERE brand_id = $1 AND openid_index = $2',
      [brandId, openidIndex],
    );
    return row?.subject_ref ?? null;
  }

  /** False when WeChat already pushed this event (it retries up to three times). */
  async recordEventOnce(tx: EntityManager, e: WechatEventRow): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO wechat_events (brand_id, openid_index, event, event_key, created_at_wechat, acted)
       VALUES ($1, $2, $3, $4, $5, false)
       ON CONFLICT (brand_id, openid_index, created_at_wechat, event) DO NOTHING RETURNING id`,
      [e.brandId, e.openidIndex, e.event, e.eventKey, e.createTime],
    );
    return rows.length === 1;
  }

  async markActed(tx: EntityManager, e: WechatEventRow): Promise<void> {
    await tx.query(
      `UPDATE wechat_events SET acted = true
        WHERE brand_id = $1 AND openid_index = $2 AND created_at_wechat = $3 AND event = $4`,
      [e.brandId, e.openidIndex, e.createTime, e.event],
    );
  }

  /**
   * True when an event with this id still waits in the outbox (a push WeChat retried before the relay
   * sent the first). One already relayed is written again and dropped by the consumer's inbox, which
   * keys on the same event id.
   */
  async waitsInOutbox(tx: EntityManager, eventId: string): Promise<boolean> {
    const [row] = await tx.query('SELECT EXISTS (SELECT 1 FROM outbox WHERE event_id = $1) AS found', [
      eventId,
    ]);
    return row.found === true;
  }
}
