import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, PURPOSES, type Channel, type Purpose } from '@siyu/contracts';

export class ScheduleRequest {
  @ApiProperty({ enum: ['now', 'at', 'cron'] })
  @IsIn(['now', 'at', 'cron'])
  kind: 'now' | 'at' | 'cron';

  @ApiPropertyOptional({ description: 'kind "at": when (ISO 8601 with zone)' })
  @ValidateIf((o: ScheduleRequest) => o.kind === 'at')
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ description: 'kind "cron": a cron expression (recurring)', example: '0 10 * * 1' })
  @ValidateIf((o: ScheduleRequest) => o.kind === 'cron')
  @IsString()
  @Length(1, 100)
  cron?: string;

  @ApiPropertyOptional({
    description: 'kind "cron": the zone the expression is read in',
    example: 'Asia/Shanghai',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timeZone?: string;
}

export class VariantRequest {
  @ApiProperty({ example: 'A' })
  @IsString()
  @Length(1, 40)
  name: string;

  @ApiProperty({
    description: 'Template variable values; the offer ones must equal every other variant’s (R13)',
  })
  @IsObject()
  variables: Record<string, string>;
}

export class CapsRequest {
  @ApiPropertyOptional({ description: 'At most this many recipients for one run' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  maxRecipients?: number;
}

export class QuietHoursRequest {
  @ApiProperty({ example: '08:00', description: 'Sending window start, recipient’s local time' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/)
  start: string;

  @ApiProperty({ example: '21:00', description: 'Sending window end (exclusive; 24:00 = midnight)' })
  @Matches(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/)
  end: string;
}

export class WecomMessageRequest {
  @ApiProperty({
    description:
      'The text each customer’s own staff member sends (add_msg_template); marketing text carries ${unsubscribe_link}',
    example: '广告 会员日满200减30，不想再收到点此 ${unsubscribe_link}',
  })
  @IsString()
  @Length(1, 1000)
  text: string;
}

export class WechatMessageRequest {
  @ApiProperty({ description: 'The subscription-message template id (订阅通知) of the official account' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,128}$/)
  templateId: string;

  @ApiProperty({ description: 'Keyword values (thing1, time2, …); never personal information' })
  @IsObject()
  data: Record<string, string>;

  @ApiPropertyOptional({ description: 'The page the message opens' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  page?: string;
}

export class CreateCampaignRequest {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty()
  @IsUUID()
  segmentId: string;

  @ApiProperty({ enum: PURPOSES })
  @IsIn(PURPOSES)
  purpose: Purpose;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({
    description: 'SMS: a synced or declared SMS template (GET /api/v1/outreach/templates)',
  })
  @ValidateIf((o: CreateCampaignRequest) => o.channel === 'sms' || o.templateId !== undefined)
  @IsUUID()
  templateId?: string;

  @ApiPropertyOptional({ type: WecomMessageRequest, description: 'WeCom campaigns: the text' })
  @ValidateIf((o: CreateCampaignRequest) => o.channel === 'wecom' || o.wecom !== undefined)
  @ValidateNested()
  @Type(() => WecomMessageRequest)
  wecom?: WecomMessageRequest;

  @ApiPropertyOptional({
    type: WechatMessageRequest,
    description: 'WeChat campaigns: the subscription message',
  })
  @ValidateIf((o: CreateCampaignRequest) => o.channel === 'wechat' || o.wechat !== undefined)
  @ValidateNested()
  @Type(() => WechatMessageRequest)
  wechat?: WechatMessageRequest;

  @ApiProperty({
    type: [VariantRequest],
    description: 'One or more content variants (A/B), split evenly (SMS; WeCom/WeChat: one, no variables)',
  })
  @ValidateNested({ each: true })
  @Type(() => VariantRequest)
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  variants: VariantRequest[];

  @ApiProperty({ type: ScheduleRequest })
  @ValidateNested()
  @Type(() => ScheduleRequest)
  schedule: ScheduleRequest;

  @ApiPropertyOptional({ type: CapsRequest })
  @IsOptional()
  @ValidateNested()
  @Type(() => CapsRequest)
  caps?: CapsRequest;

  @ApiPropertyOptional({ type: QuietHoursRequest, description: 'Default 08:00–21:00 for marketing' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuietHoursRequest)
  quietHours?: QuietHoursRequest;
}
