import type { EntityManager } from 'typeorm';

export interface SubjectLookup {
  id: string;
  requestedBy: string;
  purpose: string;
  reference: string;
  requestedAt: string;
  answeredAt: string | null;
  subjectRef: string | null;
}

export interface SubjectRequestItem {
  id: string;
  kind: string;
  receivedAt: string;
  dueAt: string;
  completedAt: string | null;
}

const iso = (v: Date | null) => (v ? new Date(v).toISOString() : null);

/** The only SQL of the staff subject lookup. */
export class SubjectLookupsRepository {
  async insert(tx: EntityManager, l: Omit<SubjectLookup, 'answeredAt' | 'subjectRef'>): Promise<void> {
    await tx.query(
      `INSERT INTO subject_lookups (id, requested_by, purpose, reference, requested_at) VALUES ($1, $2, $3, $4, $5)`,
      [l.id, l.requestedBy, l.purpose, l.reference, l.requestedAt],
    );
  }

  async recordAnswer(tx: EntityManager, id: string, subjectRef: string | null, at: Date): Promise<void> {
    await tx.query(
      'UPDATE subject_lookups SET answered_at = $3, subject_ref = $2 WHERE id = $1 AND answered_at IS NULL',
      [id, subjectRef, at],
    );
  }

  async findById(tx: EntityManager, id: string): Promise<SubjectLookup | undefined> {
    const [r] = await tx.query(
      `SELECT id, requested_by AS "requestedBy", purpose, reference, requested_at AS "requestedAt",
              answered_at AS "answeredAt", subject_ref AS "subjectRef"
         FROM subject_lookups WHERE id = $1`,
      [id],
    );
    return r ? { ...r, requestedAt: iso(r.requestedAt)!, answeredAt: iso(r.answeredAt) } : undefined;
  }

  async listRequestsOf(tx: EntityManager, subjectRef: string): Promise<SubjectRequestItem[]> {
    const rows = await tx.query(
      `SELECT id, kind, received_at AS "receivedAt", due_at AS "dueAt", completed_at AS "completedAt"
         FROM data_subject_requests WHERE subject_ref = $1 ORDER BY received_at DESC`,
      [subjectRef],
    );
    return rows.map(
      (r: SubjectRequestItem & { receivedAt: Date; dueAt: Date; completedAt: Date | null }) => ({
        ...r,
        receivedAt: iso(r.receivedAt)!,
        dueAt: iso(r.dueAt)!,
        completedAt: iso(r.completedAt),
      }),
    );
  }
}
