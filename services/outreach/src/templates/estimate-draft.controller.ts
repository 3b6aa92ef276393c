import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import { ArrayMaxSize, IsIn, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { EstimateSms } from './estimate-sms';
import { checkTemplate } from './template-rules';
import type { SmsTemplate } from './template.repository';

export class EstimateDraftRequest {
  @ApiProperty({ enum: ['sandbox', 'aliyun', 'tencent'] })
  @IsIn(['sandbox', 'aliyun', 'tencent'])
  vendor: 'sandbox' | 'aliyun' | 'tencent';

  @ApiProperty({ example: '示例品牌' })
  @IsString()
  @Length(0, 40)
  signName: string;

  @ApiProperty({ example: '新品上市，回T退订 ${unsubscribe_link} 广告' })
  @IsString()
  @Length(0, 500)
  content: string;

  @ApiProperty({ enum: ['marketing', 'notification'] })
  @IsIn(['marketing', 'notification'])
  kind: 'marketing' | 'notification';

  @ApiPropertyOptional({ description: 'Tencent only: the name of each positional variable, in order' })
  @IsOptional()
  @IsString({ each: true })
  @ArrayMaxSize(20)
  variableNames?: string[];

  @ApiPropertyOptional({ description: 'Sample values for the variables (unsubscribe_link is filled in)' })
  @IsOptional()
  @IsObject()
  variables?: Record<string, string>;
}

export class DraftEstimateResponse {
  @ApiProperty({ description: 'The text as one recipient receives it (the unsubscribe link as a sample)' })
  text: string;
  @ApiProperty({ description: 'Characters as the carrier counts them, signature included' })
  characters: number;
  @ApiProperty({ description: '70 characters fit one part; longer texts are billed per 67' }) parts: number;
  @ApiProperty({ description: 'Estimated cost per recipient, in fen (分)' }) costFenPerRecipient: number;
  @ApiProperty({ type: [String] }) variables: string[];
  @ApiProperty({
    type: [String],
    description: 'What declaring it would be refused for (the same checks as POST /templates)',
  })
  problems: string[];
}

/**
 * Parts, cost and problems of a template while the marketer types it, before anything is stored:
 * the console's live counter uses the same rules as declaring and sending (no second counter in the
 * browser that could disagree with the bill).
 */
@ApiTags('outreach templates')
@ApiBearerAuth()
@Controller('api/v1/outreach/templates')
@Roles('marketer', 'admin')
export class EstimateDraftController {
  constructor(private readonly estimates: EstimateSms) {}

  @Post('estimate')
  @HttpCode(200)
  @ApiOkResponse({ type: DraftEstimateResponse })
  estimate(@Body() body: EstimateDraftRequest): DraftEstimateResponse {
    const { variables, problems } = checkTemplate(body, body.variableNames);
    const draft = { ...body, variables } as unknown as SmsTemplate;
    return {
      ...this.estimates.estimate(draft, body.variables ?? {}, 'sms', 'marketing_messages'),
      variables,
      problems,
    };
  }
}
