import type { EntityManager } from 'typeorm';
import type { ProcessorGrantField, ProcessorGrantPurpose } from '@siyu/contracts';

export interface ProcessorGrant {
  id: string;
  processorName: string;
  contractReference: string;
  purpose: ProcessorGrantPurpose;
  fields: ProcessorGrantField[];
  validFrom: Date;
  validUntil: Date;
  dutiesAcknowledged: string[];
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  deletionConfirmedAt: Date | null;
  deletionConfirmedBy: string | null;
  deletionReference: string | null;
  deletionEscalatedAt: Date | null;
}

export type NewProcessorGrant = Pick<
  ProcessorGrant,
  | 'id'
  | 'processorName'
  | 'contractReference'
  | 'purpose'
  | 'fields'
  | 'validFrom'
  | 'validUntil'
  | 'dutiesAcknowledged'
  | 'createdBy'
>;

const COLUMNS = `id, processor_name AS "processorName", contract_reference AS "contractReference", purpose,
  fields, valid_from AS "validFrom", valid_until AS "validUntil", duties_acknowledged AS "dutiesAcknowledged",
  created_by AS "createdBy", created_at AS "createdAt", revoked_at AS "revokedAt", revoked_by AS "revokedBy",
  deletion_confirmed_at AS "deletionConfirmedAt", deletion_confirmed_by AS "deletionConfirmedBy",
  deletion_reference AS "deletionReference", deletion_escalated_at AS "deletionEscalatedAt"`;

/** The only SQL over processor grants (R15). */
export class ProcessorGrantsRepository {
  async insert(tx: EntityManager, g: NewProcessorGrant): Promise<ProcessorGrant> {
    const [row] = await tx.query(
      `INSERT INTO processor_grants (id, processor_name, contract_reference, purpose, fields, valid_from,
         valid_until, duties_acknowledged, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        g.id,
        g.processorName,
        g.contractReference,
        g.purpose,
        g.fields,
        g.validFrom,
        g.validUntil,
        g.dutiesAcknowledged,
        g.createdBy,
      ],
    );
    return row;
  }

  /** Locks the row: ending and confirming are decided on the current state. */
  async findForUpdate(tx: EntityManager, id: string): Promise<ProcessorGrant | null> {
    const rows = await tx.query(`SELECT ${COLUMNS} FROM processor_grants WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async find(tx: EntityManager, id: string): Promise<ProcessorGrant | null> {
    const rows = await tx.query(`SELECT ${COLUMNS} FROM processor_grants WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async listAll(tx: EntityManager): Promise<ProcessorGrant[]> {
    return tx.query(`SELECT ${COLUMNS} FROM processor_grants ORDER BY created_at DESC, id`);
  }

  async markRevoked(tx: EntityManager, id: string, by: string, at: Date): Promise<void> {
    await tx.query('UPDATE processor_grants SET revoked_at = $2, revoked_by = $3 WHERE id = $1', [
      id,
      at,
      by,
    ]);
  }

  async markDeletionConfirmed(
    tx: EntityManager,
    id: string,
    by: string,
    at: Date,
    reference: string,
  ): Promise<void> {
    await tx.query(
      `UPDATE processor_grants SET deletion_confirmed_at = $2, deletion_confirmed_by = $3, deletion_reference = $4
        WHERE id = $1`,
      [id, at, by, reference],
    );
  }

  /**
   * Grants that ended (revoked, or past their end) at least `graceDays` ago with no deletion
   * confirmation and not yet escalated; locked and skipped by a concurrent watch.
   */
  async listDeletionOverdue(tx: EntityManager, now: Date, graceDays: number): Promise<ProcessorGrant[]> {
    return tx.query(
      `SELECT ${COLUMNS} FROM processor_grants
        WHERE deletion_confirmed_at IS NULL AND deletion_escalated_at IS NULL
          AND least(coalesce(revoked_at, valid_until), valid_until) + make_interval(days => $2) <= $1
        ORDER BY id FOR UPDATE SKIP LOCKED`,
      [now, graceDays],
    );
  }

  async markDeletionEscalated(tx: EntityManager, id: string, at: Date): Promise<void> {
    await tx.query('UPDATE processor_grants SET deletion_escalated_at = $2 WHERE id = $1', [id, at]);
  }

  /** Ended grants whose deletion is still unconfirmed after escalation (the metric's value). */
  async countEscalatedUnconfirmed(tx: EntityManager): Promise<number> {
    const [row] = await tx.query(
      `SELECT count(*)::int AS n FROM processor_grants
        WHERE deletion_escalated_at IS NOT NULL AND deletion_confirmed_at IS NULL`,
    );
    return row.n;
  }

  /** True while the event still waits in privacy's outbox (the relay has not handed it over). */
  async isEventUnsent(tx: EntityManager, eventId: string): Promise<boolean> {
    const rows = await tx.query('SELECT 1 FROM outbox WHERE event_id = $1', [eventId]);
    return rows.length > 0;
  }
}
