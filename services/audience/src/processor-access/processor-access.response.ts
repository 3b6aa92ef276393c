import { ApiProperty } from '@nestjs/swagger';

export class ProcessorTagValueResponse {
  @ApiProperty() tagKey: string;
  @ApiProperty() category: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }], nullable: true })
  value: number | string | null;
}

/** One member as an agency sees it: a per-grant pseudonym and the granted fields, nothing else. */
export class ProcessorMemberResponse {
  @ApiProperty({ description: 'Per-grant pseudonym; not joinable across grants' })
  memberRef: string;

  @ApiProperty({ type: [ProcessorTagValueResponse], required: false })
  tags?: ProcessorTagValueResponse[];

  @ApiProperty({
    type: [String],
    required: false,
    description: 'Only when the grant includes consented_channels',
  })
  consentedChannels?: string[];
}

export class ProcessorSegmentMembersResponse {
  @ApiProperty({ format: 'uuid' }) grantId: string;
  @ApiProperty() purpose: string;
  @ApiProperty({ format: 'uuid' }) segmentId: string;
  @ApiProperty({ type: [ProcessorMemberResponse] }) members: ProcessorMemberResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null at the end',
  })
  nextCursor: string | null;
}
