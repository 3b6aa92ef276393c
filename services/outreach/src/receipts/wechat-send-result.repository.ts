import type { EntityManager } from 'typeorm';

/** A WeChat send a result event may settle: still open (in doubt, submitted, or unconfirmed). */
export interface OpenWechatSend {
  sendId: string;
  subjectRef: string;
  purpose: string;
  state: string;
}

export interface WechatResultMatch {
  subjectRef: string;
  msgId: string;
  templateId: string;
  /** WeChat's CreateTime of the push. */
  sentAt: string;
  /** How long before `sentAt` the send may have been dispatched. */
  windowMs: number;
}

/** Clock skew allowed between WeChat's CreateTime and our database clock. */
const SKEW_SECONDS = 120;
const OPEN_STATES = ['submitting', 'unknown', 'submitted'];

/** The sends a `consent.wechat-send-result.v1` settles, and how they are settled. */
export class WechatSendResultRepository {
  /**
   * The send the result is about, locked: by WeChat's MsgID when we recorded it; else the member's
   * oldest open WeChat send of that template, with no MsgID recorded, dispatched within `windowMs`
   * before the push (and at most two minutes after it, for clock skew). A send whose MsgID we know
   * is matched by that MsgID only. Settled sends (delivered, failed) are never matched again, so a
   * repeated event changes nothing.
   */
  async findOpenSend(tx: EntityManager, m: WechatResultMatch): Promise<OpenWechatSend | null> {
    const [byId] = await tx.query(
      `SELECT send_id, subject_ref, purpose, state FROM sends
        WHERE channel = 'wechat' AND vendor_message_id = $1 AND subject_ref = $2 AND state = ANY ($3::text[])
        FOR UPDATE`,
      [m.msgId, m.subjectRef, OPEN_STATES],
    );
    if (byId) return toOpen(byId);
    const [byTime] = await tx.query(
      `SELECT s.send_id, s.subject_ref, s.purpose, s.state FROM sends s JOIN campaigns c ON c.id = s.campaign_id
        WHERE s.subject_ref = $1 AND s.channel = 'wechat' AND s.vendor_message_id IS NULL
          AND s.state = ANY ($2::text[]) AND c.message->>'templateId' = $3
          AND s.dispatched_at > $4::timestamptz - make_interval(secs => $5::float8 / 1000)
          AND s.dispatched_at <= $4::timestamptz + make_interval(secs => $6)
        ORDER BY s.dispatched_at, s.send_id LIMIT 1
        FOR UPDATE OF s`,
      [m.subjectRef, OPEN_STATES, m.templateId, m.sentAt, m.windowMs, SKEW_SECONDS],
    );
    return byTime ? toOpen(byTime) : null;
  }

  /** WeChat's word on one send: delivered, or failed with its code (and the refusal reason, if one). */
  async settle(
    tx: EntityManager,
    sendId: string,
    s: { state: 'delivered' | 'failed'; msgId: string; errorCode: string | null; reason: string | null },
  ): Promise<void> {
    await tx.query(
      `UPDATE sends SET state = $2, vendor = 'wechat', vendor_message_id = $3, error_code = $4, reason = $5,
              reported_at = clock_timestamp(), updated_at = clock_timestamp()
        WHERE send_id = $1`,
      [sendId, s.state, s.msgId, s.errorCode, s.reason],
    );
  }

  /**
   * In-doubt WeChat sends of a run with no result event `afterMs` after dispatch: counted as handed
   * to WeChat (`submitted`, reason `wechat_unconfirmed`), never sent again (ADR 0017). A late event
   * still settles them.
   */
  async markUnconfirmed(tx: EntityManager, runId: string, afterMs: number): Promise<number> {
    const [{ n }]: { n: number }[] = await tx.query(
      `WITH u AS (
         UPDATE sends SET state = 'submitted', vendor = 'wechat', reason = 'wechat_unconfirmed',
                error_code = 'WECHAT_NO_RESULT', updated_at = clock_timestamp()
          WHERE run_id = $1 AND channel = 'wechat' AND state IN ('submitting', 'unknown')
            AND dispatched_at < clock_timestamp() - make_interval(secs => $2::float8 / 1000)
          RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [runId, afterMs],
    );
    return n;
  }
}

function toOpen(r: Record<string, any>): OpenWechatSend {
  return { sendId: r.send_id, subjectRef: r.subject_ref, purpose: r.purpose, state: r.state };
}
