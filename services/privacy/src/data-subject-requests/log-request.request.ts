import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, ValidateNested } from 'class-validator';
import {
  CORRECTABLE_FIELDS,
  REQUEST_KINDS,
  type CorrectableField,
  type DataSubjectRequestKind,
} from '@siyu/contracts';

/** What to correct (R14): a field from the fixed catalogue and its corrected value. */
export class CorrectionRequest {
  @ApiProperty({ enum: CORRECTABLE_FIELDS })
  @IsIn(CORRECTABLE_FIELDS)
  field: CorrectableField;

  @ApiProperty({ description: 'For time_zone: an IANA zone name', example: 'Asia/Urumqi' })
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/, { message: 'value must be an IANA zone name' })
  value: string;
}

/** A request received offline (letter, phone call, shop counter) and verified by the privacy officer. */
export class LogRequestRequest {
  @ApiProperty({
    description: 'The subject ref the officer found for the verified requester',
    format: 'uuid',
  })
  @IsUUID()
  subjectRef: string;

  @ApiProperty({ enum: REQUEST_KINDS })
  @IsIn(REQUEST_KINDS)
  kind: DataSubjectRequestKind;

  @ApiProperty({ type: CorrectionRequest, required: false, description: 'Required for kind "correct" only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CorrectionRequest)
  correction?: CorrectionRequest;
}

export class RequestIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}
