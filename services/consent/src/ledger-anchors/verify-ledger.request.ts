import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { RECEIPT_TYPE } from './anchor-receipt';

/** A receipt as GET ledger/anchors/latest handed it out; its signature is checked by the verifier. */
export class AnchorReceiptRequest {
  @ApiProperty({ enum: [RECEIPT_TYPE] })
  @IsIn([RECEIPT_TYPE])
  type: typeof RECEIPT_TYPE;

  @ApiProperty({ example: 'demo' })
  @IsString()
  @MaxLength(100)
  brandId: string;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  seq: number;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$' })
  @Matches(/^[0-9a-f]{64}$/)
  hash: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  at: string;

  @ApiProperty({ example: 'k20261206' })
  @Matches(/^[A-Za-z0-9_-]{1,32}$/)
  kid: string;

  @ApiProperty()
  @IsString()
  @MaxLength(200)
  signature: string;
}

export class VerifyLedgerRequest {
  @ApiPropertyOptional({
    type: AnchorReceiptRequest,
    isArray: true,
    maxItems: 100,
    description: 'Receipts kept outside Siyu (GET ledger/anchors/latest)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AnchorReceiptRequest)
  receipts?: AnchorReceiptRequest[];
}
