import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { PURPOSES, type Purpose } from '@siyu/contracts';

export class CreateCampaignRequest {
  @IsString()
  @Length(1, 100)
  name: string;

  @IsUUID()
  segmentId: string;

  @IsIn(PURPOSES)
  purpose: Purpose;

  /** SMS only in this version; WeChat and WeCom channels arrive with their own issue. */
  @IsIn(['sms'])
  channel: 'sms';

  @IsString()
  @Length(1, 300)
  body: string;
}
