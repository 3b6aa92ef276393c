import type { EntityManager } from 'typeorm';
import type { CorrectableField, DataSubjectRequestKind, HeldDataLine } from '@siyu/contracts';

export interface DataSubjectRequest {
  id: string;
  brandId: string;
  subjectRef: string;
  kind: DataSubjectRequestKind;
  receivedVia: 'offline' | 'public_page';
  loggedBy: string;
  receivedAt: string;
  dueAt: string;
  completedAt: string | null;
  /** A `correct` request's field and corrected value (R14); null for every other kind. */
  correction: RequestedCorrection | null;
}

export interface RequestedCorrection {
  field: CorrectableField;
  value: string;
}

export interface ServiceReceipt {
  service: string;
  answeredAt: string | null;
  lines: HeldDataLine[] | null;
  remindedAt: string | null;
  escalatedAt: string | null;
}

export interface SilentService {
  requestId: string;
  service: string;
  dueAt: string;
  remindedAt: string | null;
  escalatedAt: string | null;
}

const iso = (v: Date | null): string | null => (v ? new Date(v).toISOString() : null);

const REQUEST_COLUMNS = `id, brand_id AS "brandId", subject_ref AS "subjectRef", kind, received_via AS "receivedVia",
  logged_by AS "loggedBy", received_at AS "receivedAt", due_at AS "dueAt", completed_at AS "completedAt",
  correction_field AS "correctionField", correction_value AS "correctionValue"`;

/** The only SQL over data-subject requests and their per-service receipts. */
export class DataSubjectRequestRepository {
  async insert(
    tx: EntityManager,
    r: Omit<DataSubjectRequest, 'completedAt'>,
    services: string[],
    statusTokenHash?: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO data_subject_requests
         (id, brand_id, subject_ref, kind, received_via, logged_by, received_at, due_at, status_token_hash,
          correction_field, correction_value)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        r.id,
        r.brandId,
        r.subjectRef,
        r.kind,
        r.receivedVia,
        r.loggedBy,
        r.receivedAt,
        r.dueAt,
        statusTokenHash ?? null,
        r.correction?.field ?? null,
        r.correction?.value ?? null,
      ],
    );
    await tx.query('INSERT INTO request_services (request_id, service) SELECT $1, unnest($2::text[])', [
      r.id,
      services,
    ]);
  }

  async findById(tx: EntityManager, id: string): Promise<DataSubjectRequest | undefined> {
    const [row] = await tx.query(`SELECT ${REQUEST_COLUMNS} FROM data_subject_requests WHERE id = $1`, [id]);
    if (!row) return undefined;
    const { correctionField, correctionValue, ...rest } = row;
    return {
      ...rest,
      correction: correctionField ? { field: correctionField, value: correctionValue } : null,
      receivedAt: iso(row.receivedAt),
      dueAt: iso(row.dueAt),
      completedAt: iso(row.completedAt),
    };
  }

  /** The request behind a status link (the link's token is stored only as a hash). */
  async findIdByStatusTokenHash(tx: EntityManager, hash: string): Promise<string | undefined> {
    const [row] = await tx.query('SELECT id FROM data_subject_requests WHERE status_token_hash = $1', [hash]);
    return row?.id;
  }

  async listReceipts(tx: EntityManager, requestId: string): Promise<ServiceReceipt[]> {
    const rows = await tx.query(
      `SELECT service, answered_at AS "answeredAt", lines, reminded_at AS "remindedAt", escalated_at AS "escalatedAt"
         FROM request_services WHERE request_id = $1 ORDER BY service`,
      [requestId],
    );
    return rows.map((r: ServiceReceipt & { answeredAt: Date; remindedAt: Date; escalatedAt: Date }) => ({
      ...r,
      answeredAt: iso(r.answeredAt),
      remindedAt: iso(r.remindedAt),
      escalatedAt: iso(r.escalatedAt),
    }));
  }

  /**
   * Records a service's first answer for a request about `subjectRef`; a second answer, an answer from
   * a service the request does not wait for, or one naming another subject changes nothing.
   */
  async recordAnswer(
    tx: EntityManager,
    requestId: string,
    subjectRef: string,
    service: string,
    lines: HeldDataLine[],
    at: Date,
  ): Promise<boolean> {
    const updated = await tx.query(
      `UPDATE request_services rs SET answered_at = $4, lines = $5::jsonb
         FROM data_subject_requests r
        WHERE rs.request_id = $1 AND rs.service = $3 AND rs.answered_at IS NULL
          AND r.id = rs.request_id AND r.subject_ref = $2
        RETURNING rs.request_id`,
      [requestId, subjectRef, service, at, JSON.stringify(lines)],
    );
    return (updated[0] as unknown[]).length > 0;
  }

  /** Marks the request complete once no service is left silent; true when this call completed it. */
  async completeIfAllAnswered(tx: EntityManager, requestId: string, at: Date): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE data_subject_requests SET completed_at = $2
        WHERE id = $1 AND completed_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM request_services WHERE request_id = $1 AND answered_at IS NULL)
        RETURNING id`,
      [requestId, at],
    );
    return (rows[0] as unknown[]).length > 0;
  }

  /** Unanswered services of open requests that are past half their window (reminder) or overdue. */
  async listSilentServices(tx: EntityManager, now: Date): Promise<SilentService[]> {
    const rows = await tx.query(
      `SELECT rs.request_id AS "requestId", rs.service, r.due_at AS "dueAt",
              rs.reminded_at AS "remindedAt", rs.escalated_at AS "escalatedAt"
         FROM request_services rs JOIN data_subject_requests r ON r.id = rs.request_id
        WHERE r.completed_at IS NULL AND rs.answered_at IS NULL
          AND ((rs.reminded_at IS NULL AND r.received_at + (r.due_at - r.received_at) / 2 <= $1)
            OR (rs.escalated_at IS NULL AND r.due_at <= $1))
        ORDER BY r.due_at, rs.service
        FOR UPDATE OF rs SKIP LOCKED`,
      [now],
    );
    return rows.map((r: SilentService & { dueAt: Date; remindedAt: Date; escalatedAt: Date }) => ({
      ...r,
      dueAt: iso(r.dueAt)!,
      remindedAt: iso(r.remindedAt),
      escalatedAt: iso(r.escalatedAt),
    }));
  }

  async markReminded(tx: EntityManager, requestId: string, service: string, at: Date): Promise<void> {
    await tx.query('UPDATE request_services SET reminded_at = $3 WHERE request_id = $1 AND service = $2', [
      requestId,
      service,
      at,
    ]);
  }

  async markEscalated(tx: EntityManager, requestId: string, service: string, at: Date): Promise<void> {
    await tx.query(
      'UPDATE request_services SET escalated_at = $3, reminded_at = coalesce(reminded_at, $3) WHERE request_id = $1 AND service = $2',
      [requestId, service, at],
    );
  }
}
