import { Injectable } from '@nestjs/common';
import { ImportJobRepository, type ImportJobListing } from './import-job.repository';
import type { ListImportsQuery } from './import-orders.request';

/**
 * Recent import jobs, newest first: how ops follow an upload still streaming (its job appears with
 * the first stored chunk and its counts grow with each one) and find an import's id afterwards.
 */
@Injectable()
export class ListImportJobs {
  constructor(private readonly jobs: ImportJobRepository) {}

  execute(query: ListImportsQuery): Promise<{ imports: ImportJobListing[] }> {
    return this.jobs
      .listRecent({ platform: query.platform, shopId: query.shop, status: query.status, limit: query.limit })
      .then((imports) => ({ imports }));
  }
}
