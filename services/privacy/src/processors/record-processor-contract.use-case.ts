import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import { PRIVACY_DB } from '../privacy.options';
import { ProcessorContractsRepository } from './processor-contracts.repository';
import { findProcessor } from './processor-register';
import { ProcessorsError, ProcessorsErrorCode } from './processors.errors';

/** Records (or replaces) the contract behind an entrustment, with its audit entry, in one transaction (R15). */
@Injectable()
export class RecordProcessorContract {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly contracts: ProcessorContractsRepository,
  ) {}

  async execute(
    officer: Actor,
    processorId: string,
    input: { contractReference: string; signedOn: string; location?: string },
    now = new Date(),
  ): Promise<void> {
    if (!findProcessor(processorId))
      throw new ProcessorsError(
        ProcessorsErrorCode.PROCESSOR_NOT_FOUND,
        `no processor "${processorId}" in the register (services/privacy/src/processors/processor-register.ts)`,
      );
    await this.ds.transaction(async (tx) => {
      await this.contracts.upsert(tx, {
        processorId,
        contractReference: input.contractReference,
        signedOn: input.signedOn,
        location: input.location ?? null,
        recordedBy: officer.id,
        recordedAt: now.toISOString(),
      });
      await appendAudit(tx, {
        actor: officer.id,
        action: 'processor.contract.recorded',
        purpose: 'processor_register',
        subject: `processor:${processorId}`,
        fields: ['contract_reference', 'signed_on', ...(input.location ? ['location'] : [])],
        outcome: 'allowed',
      });
    });
  }
}
