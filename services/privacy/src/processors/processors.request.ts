import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';

export class ProcessorIdParams {
  @ApiProperty({ example: 'aliyun-sms' })
  @Matches(/^[a-z0-9-]{1,40}$/)
  id: string;
}

/** The contract (data-processing agreement) behind an entrustment, as the privacy officer records it. */
export class RecordProcessorContractRequest {
  @ApiProperty({
    description: 'Contract / DPA reference in the brand’s contract register',
    example: 'DPA-2026-007',
  })
  @IsString()
  @Length(1, 200)
  contractReference: string;

  @ApiProperty({ description: 'Date the contract was signed', example: '2026-03-01', format: 'date' })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'signedOn must be a date (YYYY-MM-DD)' })
  signedOn: string;

  @ApiProperty({
    required: false,
    description: 'Where the processor processes the data, when the register cannot know (the host)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  location?: string;
}
