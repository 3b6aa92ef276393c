import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHANNELS, PURPOSES, type Channel, type Purpose } from '@siyu/contracts';
import { NOTICE_LOCALES, type NoticeContent, type NoticeLocale, type PublishedNotice } from './notice';

export class NoticePurposeResponse {
  @ApiProperty({ enum: PURPOSES, example: 'marketing_messages' })
  id: Purpose;
  @ApiProperty({ example: '向您发送新品和优惠信息' })
  description: string;
}

export class NoticeContentResponse implements NoticeContent {
  @ApiProperty({ example: '示例品牌' })
  brandName: string;
  @ApiProperty({ example: 'privacy@example.com' })
  brandContact: string;
  @ApiProperty({ type: NoticePurposeResponse, isArray: true })
  purposes: { id: Purpose; description: string }[];
  @ApiProperty({ enum: CHANNELS, isArray: true, example: ['sms'] })
  channels: Channel[];
  @ApiProperty({ example: '短信发送' })
  processingMethods: string;
  @ApiProperty({ type: String, isArray: true, example: ['手机号'] })
  dataCategories: string[];
  @ApiProperty({ example: '撤回同意后 30 天内删除' })
  retention: string;
  @ApiProperty({ example: '您可随时回复 TD 退订' })
  rights: string;
  @ApiPropertyOptional({ description: 'Required when profiling is a purpose', nullable: true })
  profiling?: string;
}

/** A published notice version; the row is immutable (trigger) and a grant records its hash. */
export class NoticeResponse implements PublishedNotice {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'demo' })
  brandId: string;
  @ApiProperty({ example: 3, description: 'Counts per brand and locale' })
  version: number;
  @ApiProperty({ enum: NOTICE_LOCALES, example: 'zh-CN' })
  locale: NoticeLocale;
  @ApiProperty({ type: NoticeContentResponse })
  content: NoticeContent;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  contentHash: string;
  @ApiProperty({ format: 'date-time' })
  publishedAt: string;
}
