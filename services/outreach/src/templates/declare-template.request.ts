import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export class DeclareTemplateRequest {
  @ApiProperty({ enum: ['sandbox', 'aliyun', 'tencent'] })
  @IsIn(['sandbox', 'aliyun', 'tencent'])
  vendor: 'sandbox' | 'aliyun' | 'tencent';

  @ApiProperty({ description: '签名 without 【】, 2–16 characters', example: '示例品牌' })
  @IsString()
  @Length(1, 40)
  signName: string;

  @ApiProperty({ example: 'SMS_900001' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  templateCode: string;

  @ApiProperty()
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ description: 'The approved text; variables ${name} (Aliyun, sandbox) or {1} (Tencent)' })
  @IsString()
  @Length(1, 500)
  content: string;

  @ApiProperty({ enum: ['marketing', 'notification'] })
  @IsIn(['marketing', 'notification'])
  kind: 'marketing' | 'notification';

  @ApiPropertyOptional({ description: 'Tencent only: the name of each positional variable, in order' })
  @IsOptional()
  @IsString({ each: true })
  @ArrayMaxSize(20)
  variableNames?: string[];
}

export class PreviewTemplateRequest {
  @ApiProperty({
    description: 'Values for the template variables (unsubscribe_link is filled per recipient)',
  })
  @IsOptional()
  variables?: Record<string, string>;
}
