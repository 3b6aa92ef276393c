import { ApiProperty } from '@nestjs/swagger';

export class SegmentListItemResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'marketing_messages' }) purpose: string;
  @ApiProperty({ example: 'sms' }) channel: string;
  @ApiProperty({ type: [String], description: 'tag categories the rule selects by (R11)' })
  categories: string[];
  @ApiProperty({ description: 'last materialised version (0: never)' }) version: number;
  @ApiProperty() autoRefresh: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: Number, nullable: true, description: 'members in the last materialised version' })
  size: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) materializedAt: string | null;
}

export class SegmentListResponse {
  @ApiProperty({ type: [SegmentListItemResponse], description: 'Newest first' })
  items: SegmentListItemResponse[];
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Pass as `after` for the next page (null: last page)',
  })
  next: string | null;
}
