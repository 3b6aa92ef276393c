import { Injectable } from '@nestjs/common';
import { ImportJobRepository } from './import-job.repository';
import type { ImportSummary } from './import-summary';
import { ImportsError, ImportsErrorCode } from './imports.errors';

@Injectable()
export class GetImportSummary {
  constructor(private readonly jobs: ImportJobRepository) {}

  async execute(importId: string): Promise<ImportSummary> {
    const summary = await this.jobs.findSummary(importId);
    if (!summary) throw new ImportsError(ImportsErrorCode.IMPORT_NOT_FOUND, `no import ${importId}`);
    return summary;
  }
}
