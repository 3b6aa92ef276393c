import type { EntityManager } from 'typeorm';

/** Rows that identify or reach a subject, per table; what the proof-retention purge deletes. */
export interface SubjectDataCounts {
  /** The sealed phone and its blind index (door 2, or door 1 with a platform-verified mobile). */
  subjects: number;
  memberLinks: number;
  wechatBindings: number;
  wechatEvents: number;
  /** The WeCom external user's blind index bound to the subject (the WeCom door). */
  wecomBindings: number;
  wecomEvents: number;
  smsReplies: number;
  otpChallenges: number;
  sandboxSms: number;
}

// One statement: each table's rows for the subject, found through its phone and openid indexes.
const rowsOf = (verb: 'SELECT' | 'LOCK' | 'DELETE') => {
  const take = (table: string, where: string, returning = '1') =>
    verb === 'DELETE'
      ? `DELETE FROM ${table} WHERE ${where} RETURNING ${returning}`
      : `SELECT ${returning} FROM ${table} WHERE ${where}${verb === 'LOCK' ? ' FOR UPDATE' : ''}`;
  return `
  WITH s AS (${take('subjects', 'brand_id = $1 AND subject_ref = $2', 'phone_index')}),
       w AS (${take('wechat_bindings', 'brand_id = $1 AND subject_ref = $2', 'openid_index')}),
       m AS (${take('member_links', 'brand_id = $1 AND subject_ref = $2')}),
       we AS (${take('wechat_events', 'brand_id = $1 AND openid_index IN (SELECT openid_index FROM w)')}),
       wb AS (${take('wecom_bindings', 'brand_id = $1 AND subject_ref = $2', 'external_index')}),
       wbe AS (${take('wecom_events', 'brand_id = $1 AND external_index IN (SELECT external_index FROM wb)')}),
       si AS (${take('sms_inbound', 'phone_index IN (SELECT phone_index FROM s)')}),
       o AS (${take('otp_challenges', 'phone_index IN (SELECT phone_index FROM s)')}),
       sb AS (${take('sandbox_sms', 'to_index IN (SELECT phone_index FROM s)')})
  SELECT (SELECT count(*) FROM s)::int AS "subjects", (SELECT count(*) FROM m)::int AS "memberLinks",
         (SELECT count(*) FROM w)::int AS "wechatBindings", (SELECT count(*) FROM we)::int AS "wechatEvents",
         (SELECT count(*) FROM wb)::int AS "wecomBindings", (SELECT count(*) FROM wbe)::int AS "wecomEvents",
         (SELECT count(*) FROM si)::int AS "smsReplies", (SELECT count(*) FROM o)::int AS "otpChallenges",
         (SELECT count(*) FROM sb)::int AS "sandboxSms"`;
};
const DELETE_ALL = rowsOf('DELETE');
const COUNT_ALL = rowsOf('SELECT');
const LOCK_ALL = rowsOf('LOCK');

/** R10: a subject's contact points and identifiers, once nothing rests on them any more. */
export class SubjectDataRepository {
  async deleteAllOf(tx: EntityManager, brandId: string, subjectRef: string): Promise<SubjectDataCounts> {
    const [counts] = await tx.query(DELETE_ALL, [brandId, subjectRef]);
    return counts;
  }

  /**
   * Row-locks what `deleteAllOf` will delete, without changing it. An erasure calls this before its
   * withdrawal takes the ledger chain's lock: grants lock these rows (contact bindings) before their
   * append takes that lock, so both take the two in the same order and cannot deadlock
   * (docs/consent/ledger-write-order.md; `regrant-erasure-lock.int-spec.ts`).
   */
  async lockAllOf(tx: EntityManager, brandId: string, subjectRef: string): Promise<void> {
    await tx.query(LOCK_ALL, [brandId, subjectRef]);
  }

  async countAllOf(tx: EntityManager, brandId: string, subjectRef: string): Promise<SubjectDataCounts> {
    const [counts] = await tx.query(COUNT_ALL, [brandId, subjectRef]);
    return counts;
  }
}
