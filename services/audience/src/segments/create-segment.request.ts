import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Length } from 'class-validator';
import { CHANNELS, PURPOSES, type Channel, type Purpose } from '@siyu/contracts';
import type { Rule } from '../rule-language/rule';

export class SegmentDraftRequest {
  @ApiProperty({ enum: PURPOSES, example: 'marketing_messages' })
  @IsIn(PURPOSES)
  purpose: Purpose;

  @ApiProperty({ enum: CHANNELS, example: 'sms' })
  @IsIn(CHANNELS)
  channel: Channel;

  /** The rule tree (docs/marketers/audience.md); absent for a broadcast. Checked by the rule validator. */
  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    example: {
      and: [
        { tag: 'rfm', op: 'in', value: ['R5F5M5', 'R5F4M5'] },
        { bought: { category: '运动', withinDays: 90 } },
      ],
    },
  })
  @IsOptional()
  @IsObject()
  rule?: Rule;
}

export class CreateSegmentRequest extends SegmentDraftRequest {
  @ApiProperty({ example: '近90天运动品类复购' })
  @IsString()
  @Length(1, 100)
  name: string;

  /** Once materialised, refresh it as members change (default true); false: only on request. */
  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  autoRefresh?: boolean;
}
