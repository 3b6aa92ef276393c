import type { EntityManager } from 'typeorm';

export interface RequestListRow {
  id: string;
  subjectRef: string;
  kind: string;
  /** For kind `correct`: the field and its corrected value (never personal information on its own). */
  correction: { field: string; value: string } | null;
  receivedVia: string;
  receivedAt: string;
  dueAt: string;
  completedAt: string | null;
  services: number;
  answered: number;
}

/** The officer's worklist: requests newest first, each with how many services answered so far. */
export class RequestListRepository {
  async list(
    tx: EntityManager,
    brandId: string,
    status: 'open' | 'completed' | undefined,
    limit: number,
  ): Promise<RequestListRow[]> {
    const rows: (Omit<RequestListRow, 'receivedAt' | 'dueAt' | 'completedAt' | 'correction'> & {
      correctionField: string | null;
      correctionValue: string | null;
      receivedAt: Date;
      dueAt: Date;
      completedAt: Date | null;
    })[] = await tx.query(
      `SELECT r.id, r.subject_ref AS "subjectRef", r.kind, r.received_via AS "receivedVia",
              r.correction_field AS "correctionField", r.correction_value AS "correctionValue",
              r.received_at AS "receivedAt", r.due_at AS "dueAt", r.completed_at AS "completedAt",
              count(s.service)::int AS services,
              count(s.service) FILTER (WHERE s.answered_at IS NOT NULL)::int AS answered
         FROM data_subject_requests r LEFT JOIN request_services s ON s.request_id = r.id
        WHERE r.brand_id = $1
          AND ($2::text IS NULL OR ($2 = 'open') = (r.completed_at IS NULL))
        GROUP BY r.id
        ORDER BY r.received_at DESC, r.id
        LIMIT $3`,
      [brandId, status ?? null, limit],
    );
    return rows.map(({ correctionField, correctionValue, ...r }) => ({
      ...r,
      correction: correctionField ? { field: correctionField, value: correctionValue ?? '' } : null,
      receivedAt: new Date(r.receivedAt).toISOString(),
      dueAt: new Date(r.dueAt).toISOString(),
      completedAt: r.completedAt ? new Date(r.completedAt).toISOString() : null,
    }));
  }
}
