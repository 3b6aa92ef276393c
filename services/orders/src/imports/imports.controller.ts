import { Controller, Get, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { PLATFORMS } from '@siyu/contracts';
import { ApiErrors, CurrentActor, Roles, type Actor } from '@siyu/auth';
import { ImportJobListResponse, ImportSummaryResponse } from './import.response';
import { exportUploadOf, discardRest } from './csv-upload';
import { GetImportSummary } from './get-import-summary.query';
import { ImportOrders } from './import-orders.use-case';
import { ImportOrdersQuery, ListImportsQuery } from './import-orders.request';
import type { ImportJobListing } from './import-job.repository';
import { ListImportJobs } from './list-import-jobs.query';
import type { ImportSummary } from './import-summary';
import { ImportUploadLimits } from './upload-limits';

@ApiTags('orders: imports')
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
  @ApiQuery({ name: 'platform', enum: PLATFORMS })
  @ApiQuery({ name: 'shop', example: 'shop-1', description: '1-64 letters, digits, _ or -' })
  @ApiConsumes('multipart/form-data', 'text/csv', 'application/octet-stream')
  @ApiBody({
    description:
      'The export as the raw body, or multipart with a `file` part (and an optional `mapping` JSON field first)',
    schema: {
      type: 'object',
      required: ['file'],
      properties: { mapping: { type: 'string' }, file: { type: 'string', format: 'binary' } },
    },
  })
  @ApiCreatedResponse({
    type: ImportSummaryResponse,
    description: 'The summary: counts, rejected rows, unmasked PII by column',
  })
  @ApiErrors({
    400: [
      'PLATFORM_NOT_SUPPORTED',
      'BAD_MAPPING_FILE',
      'MULTIPART_INVALID',
      'MULTIPART_NO_FILE',
      'MULTIPART_TWO_FILES',
      'MULTIPART_UNKNOWN_FIELD',
    ],
    413: ['UPLOAD_TOO_LARGE'],
    415: ['UNSUPPORTED_MEDIA_TYPE'],
    422: [
      'EMPTY_FILE',
      'NOT_AN_ORDER_EXPORT',
      'UNSUPPORTED_ENCODING',
      'MISSING_COLUMNS',
      'WRONG_PLATFORM',
      'TRUNCATED_FILE',
      'RECORD_TOO_LARGE',
    ],
  })
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
  @ApiQuery({ name: 'platform', enum: PLATFORMS, required: false })
  @ApiQuery({ name: 'shop', required: false })
  @ApiQuery({ name: 'status', enum: ['running', 'completed', 'failed'], required: false })
  @ApiQuery({ name: 'limit', type: Number, required: false, example: 20, description: '1-100' })
  @ApiOkResponse({ type: ImportJobListResponse })
  @Roles('ops', 'admin')
  list(@Query() query: ListImportsQuery): Promise<{ imports: ImportJobListing[] }> {
    return this.listImportJobs.execute(query);
  }

  @Get(':id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ImportSummaryResponse })
  @ApiErrors({ 404: ['IMPORT_NOT_FOUND'] })
  @Roles('ops', 'admin')
  summary(@Param('id', new ParseUUIDPipe()) id: string): Promise<ImportSummary> {
    return this.getImportSummary.execute(id);
  }
}
