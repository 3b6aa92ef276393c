import { Controller, Get, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CurrentActor, Roles, type Actor } from '@siyu/auth';
import { exportUploadOf, discardRest } from './csv-upload';
import { GetImportSummary } from './get-import-summary.query';
import { ImportOrders } from './import-orders.use-case';
import { ImportOrdersQuery, ListImportsQuery } from './import-orders.request';
import type { ImportJobListing } from './import-job.repository';
import { ListImportJobs } from './list-import-jobs.query';
import type { ImportSummary } from './import-summary';
import { ImportUploadLimits } from './upload-limits';

@Controller('api/v1/orders/imports')
export class ImportsController {
  constructor(
    private readonly importOrders: ImportOrders,
    private readonly getImportSummary: GetImportSummary,
    private readonly listImportJobs: ListImportJobs,
    private readonly limits: ImportUploadLimits,
  ) {}

  /**
   * The export (CSV or XLSX) is the raw body, or the `file` part of multipart/form-data (with an
   * optional `mapping` field); streamed either way. 201 with the summary.
   */
  @Post()
  @Roles('ops', 'admin')
  async importExport(
    @Query() query: ImportOrdersQuery,
    @Req() req: IncomingMessage,
    @CurrentActor() actor: Actor,
  ): Promise<ImportSummary> {
    try {
      const upload = await exportUploadOf(req, this.limits);
      return await this.importOrders.execute({
        platform: query.platform,
        shopId: query.shop,
        requestedBy: actor.id,
        source: upload.source,
        mappingFile: upload.mappingFile,
      });
    } finally {
      discardRest(req);
    }
  }

  /** Recent jobs, newest first; a running one shows the rows stored so far. */
  @Get()
  @Roles('ops', 'admin')
  list(@Query() query: ListImportsQuery): Promise<{ imports: ImportJobListing[] }> {
    return this.listImportJobs.execute(query);
  }

  @Get(':id')
  @Roles('ops', 'admin')
  summary(@Param('id', new ParseUUIDPipe()) id: string): Promise<ImportSummary> {
    return this.getImportSummary.execute(id);
  }
}
