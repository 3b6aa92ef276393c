import { ApiProperty } from '@nestjs/swagger';

export class TimelinePointResponse {
  @ApiProperty({ format: 'date-time', description: 'Start of the bucket' }) start: string;
  @ApiProperty({ description: 'Handed to the vendor or platform, by dispatch time' }) sent: number;
  @ApiProperty({ description: 'Delivery receipts, by receipt time' }) delivered: number;
  @ApiProperty({ description: 'Refused at submit or failed receipts, by receipt time' }) failed: number;
  @ApiProperty({ description: 'Refused by the send gate (consent, caps, suppression), by refusal time' })
  blocked: number;
  @ApiProperty({ description: 'Recipients who opted out within 72 h of a send, by opt-out time' })
  unsubscribed: number;
}

export class CampaignResultsTimelineResponse {
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({ enum: ['hour', 'day'] }) bucket: 'hour' | 'day';
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone: string;
  @ApiProperty({
    type: [TimelinePointResponse],
    description: 'Oldest first; buckets in which nothing happened are left out',
  })
  points: TimelinePointResponse[];
}
