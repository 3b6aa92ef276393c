import type { EntityManager } from 'typeorm';

export interface AuditEntryFilter {
  /** Entries strictly older than this seq (paging); newest first when absent. */
  before?: string;
  limit: number;
  action?: string;
  subjectRef?: string;
}

export interface AuditEntryListRow {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  purpose: string;
  subject: string;
  fields: string[];
  outcome: string;
}

/**
 * One page of audit_log, newest first. Reads only the columns a reviewer needs: the entry never holds a
 * field's value (appendAudit stores field names), and the hashes are verify's business.
 */
export async function listAuditEntryRows(
  tx: EntityManager,
  f: AuditEntryFilter,
): Promise<AuditEntryListRow[]> {
  return tx.query(
    `SELECT seq::text AS seq, at, actor, action, purpose, subject, fields, outcome
       FROM audit_log
      WHERE ($1::bigint IS NULL OR seq < $1::bigint)
        AND ($2::text IS NULL OR action = $2)
        AND ($3::text IS NULL OR subject = $3)
      ORDER BY seq DESC
      LIMIT $4`,
    [f.before ?? null, f.action ?? null, f.subjectRef ?? null, f.limit],
  );
}
