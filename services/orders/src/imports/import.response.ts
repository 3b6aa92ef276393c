import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '@siyu/contracts';
import { PII_KINDS, type PiiKind } from '@siyu/privacy';
import type { ImportJobListing } from './import-job.repository';
import type {
  ImportStatus,
  ImportSummary,
  ImportWarning,
  RowRejection,
  UnmaskedPiiFinding,
} from './import-summary';

// The HTTP shapes of the imports feature. `implements` keeps them in step with what the use cases
// return; the job row (its jsonb summary, requested_by column names) never leaves as such.
const STATUSES: ImportStatus[] = ['running', 'completed', 'failed'];

export class RowRejectionResponse implements RowRejection {
  @ApiProperty({ example: 7, description: 'Row number in the file (header = row 1)' })
  row: number;
  @ApiProperty({ example: '订单编号' })
  field: string;
  @ApiProperty({ example: 'order number is empty' })
  reason: string;
}

export class UnmaskedPiiFindingResponse implements UnmaskedPiiFinding {
  @ApiProperty({ enum: PII_KINDS, isArray: true, example: ['mobile_phone'] })
  kinds: PiiKind[];
  @ApiProperty({ type: Number, isArray: true, example: [2, 5], description: 'Row numbers, never values' })
  rows: number[];
  @ApiProperty({ example: 2 })
  rowCount: number;
}

export class ImportFileResponse {
  @ApiProperty({ enum: ['csv', 'xlsx'], example: 'csv' })
  format: 'csv' | 'xlsx';
  @ApiProperty({ type: String, nullable: true, example: 'GB18030' })
  encoding: string | null;
}

export class ImportWarningResponse implements ImportWarning {
  @ApiProperty({ enum: ['ORDER_WITHOUT_LINES'], example: 'ORDER_WITHOUT_LINES' })
  code: 'ORDER_WITHOUT_LINES';
  @ApiProperty({ description: 'What is wrong and what to do, in words; never a cell value' })
  message: string;
  @ApiProperty({
    type: Number,
    isArray: true,
    example: [4, 9],
    description: 'Row numbers (first ones listed)',
  })
  rows: number[];
  @ApiProperty({ example: 2 })
  rowCount: number;
}

@ApiExtraModels(UnmaskedPiiFindingResponse)
export class ImportSummaryResponse implements ImportSummary {
  @ApiProperty({ format: 'uuid' })
  importId: string;
  @ApiProperty({ enum: PLATFORMS, example: 'jd' })
  platform: Platform;
  @ApiProperty({ example: 'shop-1' })
  shopId: string;
  @ApiProperty({ enum: STATUSES, example: 'completed' })
  status: ImportStatus;
  @ApiProperty({ example: 1200, description: 'Data rows read (header not counted)' })
  rows: number;
  @ApiProperty({ example: 1100 })
  accepted: number;
  @ApiProperty({ example: 40 })
  updated: number;
  @ApiProperty({ example: 50 })
  unchanged: number;
  @ApiProperty({ example: 0 })
  stale: number;
  @ApiProperty({ example: 0 })
  mergedLines: number;
  @ApiProperty({ example: 10 })
  rejectedRows: number;
  @ApiProperty({ type: RowRejectionResponse, isArray: true })
  rejected: RowRejection[];
  @ApiProperty({ type: ImportFileResponse })
  file: { format: 'csv' | 'xlsx'; encoding: string | null };
  @ApiProperty({ type: String, isArray: true, example: ['买家留言'] })
  droppedColumns: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(UnmaskedPiiFindingResponse) },
    description: 'By column: kinds and row numbers of unmasked personal data, never the values (R1, R4)',
  })
  unmaskedPii: Record<string, UnmaskedPiiFinding>;
  @ApiProperty({ type: ImportWarningResponse, isArray: true, description: 'Stored, but worth a look' })
  warnings: ImportWarning[];
}

export class ImportJobResponse implements ImportJobListing {
  @ApiProperty({ format: 'uuid' })
  importId: string;
  @ApiProperty({ enum: PLATFORMS, example: 'jd' })
  platform: string;
  @ApiProperty({ example: 'shop-1' })
  shopId: string;
  @ApiProperty({ enum: STATUSES, example: 'running' })
  status: ImportStatus;
  @ApiProperty({ description: 'Staff account id', format: 'uuid' })
  requestedBy: string;
  @ApiProperty({ format: 'date-time' })
  startedAt: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  finishedAt: string | null;
  @ApiProperty({ example: 5000 })
  rows: number;
  @ApiProperty({ example: 4900 })
  accepted: number;
  @ApiProperty({ example: 0 })
  updated: number;
  @ApiProperty({ example: 0 })
  unchanged: number;
  @ApiProperty({ example: 3 })
  rejectedRows: number;
}

export class ImportJobListResponse {
  @ApiProperty({ type: ImportJobResponse, isArray: true })
  imports: ImportJobListing[];
}
