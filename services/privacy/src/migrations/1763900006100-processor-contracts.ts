import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The contract / DPA reference behind each entrusted processor of the register (R15, PIPL Art. 21). */
export class ProcessorContracts1763900006100 implements MigrationInterface {
  name = 'ProcessorContracts1763900006100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE processor_contracts (
        processor_id text PRIMARY KEY,
        contract_reference text NOT NULL,
        signed_on date NOT NULL,
        location text,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE processor_contracts');
  }
}
