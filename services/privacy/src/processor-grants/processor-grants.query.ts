import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import { PRIVACY_DB } from '../privacy.options';
import { ProcessorGrantsError, ProcessorGrantsErrorCode } from './processor-grants.errors';
import { ProcessorGrantsRepository } from './processor-grants.repository';
import { toProcessorGrantResponse, type ProcessorGrantResponse } from './processor-grants.response';

/**
 * The officer's view of grants (no personal data in them: agencies, purposes, field names, dates).
 * Reads are audited like every change (R15: who looked at which entrustment).
 */
@Injectable()
export class ProcessorGrantsQuery {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly grants: ProcessorGrantsRepository,
  ) {}

  async list(officer: Actor, now = new Date()): Promise<ProcessorGrantResponse[]> {
    const rows = await this.ds.transaction(async (tx) => {
      const all = await this.grants.listAll(tx);
      await appendAudit(tx, {
        actor: officer.id,
        action: 'processor-grant.listed',
        purpose: 'processor_grants',
        subject: 'processor-grants',
        fields: [`grants:${all.length}`],
        outcome: 'allowed',
      });
      return all;
    });
    return rows.map((g) => toProcessorGrantResponse(g, now));
  }

  async one(officer: Actor, id: string, now = new Date()): Promise<ProcessorGrantResponse> {
    const g = await this.ds.transaction(async (tx) => {
      const found = await this.grants.find(tx, id);
      if (!found)
        throw new ProcessorGrantsError(ProcessorGrantsErrorCode.GRANT_NOT_FOUND, `no processor grant ${id}`);
      await appendAudit(tx, {
        actor: officer.id,
        action: 'processor-grant.read',
        purpose: 'processor_grants',
        subject: `processor-grant:${id}`,
        fields: [],
        outcome: 'allowed',
      });
      return found;
    });
    return toProcessorGrantResponse(g, now);
  }
}
