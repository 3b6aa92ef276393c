import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PRIVACY_DB } from '../privacy.options';
import { ProcessorGrantsError, ProcessorGrantsErrorCode } from './processor-grants.errors';
import { ProcessorGrantsRepository } from './processor-grants.repository';
import { toProcessorGrantResponse, type ProcessorGrantResponse } from './processor-grants.response';

/** The officer's view of grants (no personal data in them: agencies, purposes, field names, dates). */
@Injectable()
export class ProcessorGrantsQuery {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly grants: ProcessorGrantsRepository,
  ) {}

  async list(now = new Date()): Promise<ProcessorGrantResponse[]> {
    const rows = await this.ds.transaction((tx) => this.grants.listAll(tx));
    return rows.map((g) => toProcessorGrantResponse(g, now));
  }

  async one(id: string, now = new Date()): Promise<ProcessorGrantResponse> {
    const g = await this.ds.transaction((tx) => this.grants.find(tx, id));
    if (!g)
      throw new ProcessorGrantsError(ProcessorGrantsErrorCode.GRANT_NOT_FOUND, `no processor grant ${id}`);
    return toProcessorGrantResponse(g, now);
  }
}
