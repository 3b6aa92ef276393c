import { ApiProperty } from '@nestjs/swagger';

export class SubjectRequestItemResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['access', 'erasure', 'withdraw_all', 'correct'] }) kind: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
}

export class SubjectLookupResponse {
  @ApiProperty({ format: 'uuid' }) lookupId: string;
  @ApiProperty({ enum: ['pending', 'found', 'not_found'] }) status: 'pending' | 'found' | 'not_found';
  @ApiProperty() purpose: string;
  @ApiProperty() reference: string;
  @ApiProperty() requestedBy: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) subjectRef: string | null;
  @ApiProperty({ type: [SubjectRequestItemResponse] }) requests: SubjectRequestItemResponse[];
}

export class StartedLookupResponse {
  @ApiProperty({ format: 'uuid' }) lookupId: string;
}
