import { ApiProperty } from '@nestjs/swagger';

export class ImpactAssessmentResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() subjectKey: string;
  @ApiProperty() summary: string;
  @ApiProperty() risks: string;
  @ApiProperty() measures: string;
  @ApiProperty({ enum: ['acceptable', 'acceptable_with_measures', 'not_acceptable'] }) conclusion: string;
  @ApiProperty() assessedBy: string;
  @ApiProperty({ format: 'date-time' }) assessedAt: string;
  @ApiProperty({ format: 'date-time', description: 'Kept at least until (PIPL Art. 56: three years)' })
  keepUntil: string;
}

export class MissingAssessmentResponse {
  @ApiProperty() subjectKey: string;
  @ApiProperty() reason: string;
}

export class ImpactAssessmentRegisterResponse {
  @ApiProperty({ type: [ImpactAssessmentResponse] }) assessments: ImpactAssessmentResponse[];
  @ApiProperty({
    type: [MissingAssessmentResponse],
    description: 'Processing the code does that has no assessment yet',
  })
  missing: MissingAssessmentResponse[];
}
