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
  @IsIn([RECEIPT_TYPE])
  type: typeof RECEIPT_TYPE;

  @IsString() @MaxLength(100) brandId: string;

  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) seq: number;

  @Matches(/^[0-9a-f]{64}$/) hash: string;

  @IsISO8601({ strict: true }) at: string;

  @Matches(/^[A-Za-z0-9_-]{1,32}$/) kid: string;

  @IsString() @MaxLength(200) signature: string;
}

export class VerifyLedgerRequest {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AnchorReceiptRequest)
  receipts?: AnchorReceiptRequest[];
}
