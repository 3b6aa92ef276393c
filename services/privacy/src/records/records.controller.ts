import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import { dataMapCsv, processingRecordsMarkdown } from './data-map';

/** R18: the processing records and data map, generated from the code's declarations. */
@ApiTags('privacy: records')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'Not a privacy officer' })
@Controller('api/v1/privacy/records')
export class RecordsController {
  @Get('processing-records.md')
  @Roles('privacy_officer')
  @Header('content-type', 'text/markdown; charset=utf-8')
  @ApiProduces('text/markdown')
  @ApiOkResponse({
    type: String,
    description: 'Processing records per service: tables, purposes, legal bases, categories, retention',
  })
  processingRecords(): string {
    return processingRecordsMarkdown();
  }

  @Get('data-map.csv')
  @Roles('privacy_officer')
  @Header('content-type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    type: String,
    description: 'One row per column of every service schema: category, purpose, basis, retention',
  })
  dataMap(): string {
    return dataMapCsv();
  }
}
