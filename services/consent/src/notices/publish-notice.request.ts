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
  @IsIn(PURPOSES)
  id: Purpose;

  @IsString()
  @MaxLength(500)
  description: string;
}

export class PublishNoticeRequest {
  @IsOptional()
  @IsIn(NOTICE_LOCALES)
  locale?: NoticeLocale;

  @IsString() @MaxLength(100) brandName: string;
  @IsString() @MaxLength(200) brandContact: string;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => NoticePurposeRequest)
  purposes: NoticePurposeRequest[];

  @IsIn(CHANNELS, { each: true })
  channels: Channel[];

  @IsString() @MaxLength(2000) processingMethods: string;
  @IsArray() @IsString({ each: true }) @MaxLength(200, { each: true }) dataCategories: string[];
  @IsString() @MaxLength(2000) retention: string;
  @IsString() @MaxLength(2000) rights: string;
  @IsOptional() @IsString() @MaxLength(2000) profiling?: string;
}

export class NoticeLocaleQuery {
  @IsOptional()
  @IsIn(NOTICE_LOCALES)
  locale?: NoticeLocale;
}
