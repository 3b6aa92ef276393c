import type { EntityManager } from 'typeorm';

export interface ProcessorContract {
  processorId: string;
  contractReference: string;
  signedOn: string;
  location: string | null;
  recordedBy: string;
  recordedAt: string;
}

/** The only SQL over the processors' contract references (R15). */
export class ProcessorContractsRepository {
  async upsert(tx: EntityManager, c: ProcessorContract): Promise<void> {
    await tx.query(
      `INSERT INTO processor_contracts (processor_id, contract_reference, signed_on, location, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (processor_id) DO UPDATE SET contract_reference = EXCLUDED.contract_reference,
         signed_on = EXCLUDED.signed_on, location = EXCLUDED.location,
         recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`,
      [c.processorId, c.contractReference, c.signedOn, c.location, c.recordedBy, c.recordedAt],
    );
  }

  async listAll(tx: EntityManager): Promise<ProcessorContract[]> {
    const rows = await tx.query(
      `SELECT processor_id AS "processorId", contract_reference AS "contractReference",
              to_char(signed_on, 'YYYY-MM-DD') AS "signedOn", location, recorded_by AS "recordedBy",
              recorded_at AS "recordedAt"
         FROM processor_contracts ORDER BY processor_id`,
    );
    return rows.map((r: ProcessorContract & { recordedAt: Date }) => ({
      ...r,
      recordedAt: new Date(r.recordedAt).toISOString(),
    }));
  }
}
