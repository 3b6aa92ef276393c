import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';

export class SubjectParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  subjectRef: string;
}

export class StateAsOfQuery {
  /** An ISO 8601 moment; the answer is the state as the ledger stood then. */
  @ApiPropertyOptional({ format: 'date-time', description: 'The state as the ledger stood then' })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}
