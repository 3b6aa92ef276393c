import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, PURPOSES, type Channel, type Purpose } from '@siyu/contracts';
import { NOTICE_LOCALES, type NoticeLocale } from './notice';

export class NoticePurposeRequest {
  @ApiProperty({ enum: PURPOSES, example: 'marketing_messages' })
  @IsIn(PURPOSES)
  id: Purpose;

  @ApiProperty({ maxLength: 500, example: '向您发送新品和优惠信息' })
  @IsString()
  @MaxLength(500)
  description: string;
}

export class PublishNoticeRequest {
  @ApiPropertyOptional({ enum: NOTICE_LOCALES, default: 'zh-CN' })
  @IsOptional()
  @IsIn(NOTICE_LOCALES)
  locale?: NoticeLocale;

  @ApiProperty({ maxLength: 100, example: '示例品牌' })
  @IsString()
  @MaxLength(100)
  brandName: string;
  @ApiProperty({ maxLength: 200, example: 'privacy@example.com' })
  @IsString()
  @MaxLength(200)
  brandContact: string;

  @ApiProperty({ type: NoticePurposeRequest, isArray: true, minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => NoticePurposeRequest)
  purposes: NoticePurposeRequest[];

  @ApiProperty({ enum: CHANNELS, isArray: true, example: ['sms'] })
  @IsIn(CHANNELS, { each: true })
  channels: Channel[];

  @ApiProperty({ maxLength: 2000, example: '短信发送' })
  @IsString()
  @MaxLength(2000)
  processingMethods: string;
  @ApiProperty({ type: String, isArray: true, example: ['手机号'] })
  @IsArray()
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  dataCategories: string[];
  @ApiProperty({ maxLength: 2000, example: '撤回同意后 30 天内删除' })
  @IsString()
  @MaxLength(2000)
  retention: string;
  @ApiProperty({ maxLength: 2000, example: '您可随时回复 TD 退订' })
  @IsString()
  @MaxLength(2000)
  rights: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'Required when profiling is a purpose' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  profiling?: string;
}

export class NoticeLocaleQuery {
  @ApiPropertyOptional({ enum: NOTICE_LOCALES, default: 'zh-CN' })
  @IsOptional()
  @IsIn(NOTICE_LOCALES)
  locale?: NoticeLocale;
}
