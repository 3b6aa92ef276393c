import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import {
  PROCESSOR_GRANT_FIELDS,
  PROCESSOR_GRANT_PURPOSES,
  type ProcessorGrantField,
  type ProcessorGrantPurpose,
} from '@siyu/contracts';
import { ENTRUSTMENT_DUTIES } from '../processors/processor-register';

export class ProcessorGrantIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

/** R15: what a privacy officer entrusts to an agency, for how long, under which duties. */
export class IssueProcessorGrantRequest {
  @ApiProperty({ description: 'The agency (an organisation, not a person)', example: '星河营销咨询有限公司' })
  @IsString()
  @Length(1, 200)
  processorName: string;

  @ApiProperty({ description: 'The entrustment contract / DPA reference', example: 'DPA-2026-031' })
  @IsString()
  @Length(1, 200)
  contractReference: string;

  @ApiProperty({ enum: PROCESSOR_GRANT_PURPOSES })
  @IsIn(PROCESSOR_GRANT_PURPOSES, {
    message: `purpose must be one of: ${PROCESSOR_GRANT_PURPOSES.join(', ')}`,
  })
  purpose: ProcessorGrantPurpose;

  @ApiProperty({
    enum: PROCESSOR_GRANT_FIELDS,
    isArray: true,
    description: 'From the fixed catalogue; contact data (phone, name, address) is not in it',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PROCESSOR_GRANT_FIELDS.length)
  @ArrayUnique()
  @IsIn(PROCESSOR_GRANT_FIELDS, {
    each: true,
    message: `each of fields must be one of the catalogue: ${PROCESSOR_GRANT_FIELDS.join(', ')}`,
  })
  fields: ProcessorGrantField[];

  @ApiProperty({ format: 'date-time', example: '2026-12-08T00:00:00Z' })
  @IsISO8601({ strict: true })
  @Matches(/T/, { message: 'validFrom must be a date-time with a time zone' })
  validFrom: string;

  @ApiProperty({ format: 'date-time', example: '2027-01-08T00:00:00Z' })
  @IsISO8601({ strict: true })
  @Matches(/T/, { message: 'validUntil must be a date-time with a time zone' })
  validUntil: string;

  @ApiProperty({
    enum: ENTRUSTMENT_DUTIES,
    isArray: true,
    description: 'Every Art. 21 duty, acknowledged by the agency in its contract',
  })
  @IsArray()
  @ArrayUnique()
  @IsIn(ENTRUSTMENT_DUTIES, {
    each: true,
    message: 'each of dutiesAcknowledged must be one of the Art. 21 duties',
  })
  dutiesAcknowledged: string[];
}

/** The agency's confirmation that it deleted (or returned) the data at the grant's end. */
export class ConfirmProcessorDeletionRequest {
  @ApiProperty({
    description: "The agency's deletion certificate / letter reference",
    example: 'DEL-2027-004',
  })
  @IsString()
  @Length(1, 200)
  reference: string;
}
