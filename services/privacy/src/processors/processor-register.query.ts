import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PRIVACY_DB } from '../privacy.options';
import { ProcessorContractsRepository } from './processor-contracts.repository';
import { ENTRUSTMENT_DUTIES, PROCESSORS } from './processor-register';
import { toProcessorResponse, type ProcessorResponse } from './processors.response';

/** The register as the privacy officer reads it: the code's declarations joined to the recorded contracts. */
@Injectable()
export class ProcessorRegisterQuery {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly contracts: ProcessorContractsRepository,
  ) {}

  async list(): Promise<ProcessorResponse[]> {
    const byId = new Map((await this.contracts.listAll(this.ds.manager)).map((c) => [c.processorId, c]));
    return PROCESSORS.map((p) => toProcessorResponse(p, ENTRUSTMENT_DUTIES, byId.get(p.id)));
  }

  async one(id: string): Promise<ProcessorResponse | undefined> {
    return (await this.list()).find((p) => p.id === id);
  }
}
