import { ApiProperty } from '@nestjs/swagger';

export class ChannelMembersResponse {
  @ApiProperty({ example: 'sms' }) channel: string;
  @ApiProperty({ description: 'Subjects whose latest marketing-messages entry on the channel is a grant' })
  consenting: number;
  @ApiProperty({
    description: 'Subjects who agreed once and have since withdrawn (or whose consent expired)',
  })
  withdrawn: number;
}

export class DailyOptOutsResponse {
  @ApiProperty({ example: '2026-12-06', description: 'Day in the brand’s time zone' }) day: string;
  @ApiProperty({ example: 'sms' }) channel: string;
  @ApiProperty({
    example: 'unsubscribe_link',
    description: 'unsubscribe_link, sms_reply, wechat, preference_centre, …',
  })
  source: string;
  @ApiProperty() subjects: number;
}

export class MarketingStatisticsResponse {
  @ApiProperty({ example: 30 }) days: number;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone: string;
  @ApiProperty({ type: [ChannelMembersResponse] }) channels: ChannelMembersResponse[];
  @ApiProperty({ type: [DailyOptOutsResponse] }) optOuts: DailyOptOutsResponse[];
}
