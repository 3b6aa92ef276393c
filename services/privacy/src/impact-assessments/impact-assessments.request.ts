import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';

export class RecordImpactAssessmentRequest {
  @ApiProperty({ example: 'processor:aliyun-sms', description: 'One of the register’s required subjects' })
  @IsString()
  @Matches(/^[a-z_]+:[a-z0-9_-]+$/)
  subjectKey: string;

  @ApiProperty({ description: 'What is processed, why, how' })
  @IsString()
  @Length(1, 4000)
  summary: string;

  @ApiProperty({ description: 'Risks to the individuals' })
  @IsString()
  @Length(1, 4000)
  risks: string;

  @ApiProperty({ description: 'Protective measures and whether they are proportionate' })
  @IsString()
  @Length(1, 4000)
  measures: string;

  @ApiProperty({ enum: ['acceptable', 'acceptable_with_measures', 'not_acceptable'] })
  @IsIn(['acceptable', 'acceptable_with_measures', 'not_acceptable'])
  conclusion: 'acceptable' | 'acceptable_with_measures' | 'not_acceptable';
}
