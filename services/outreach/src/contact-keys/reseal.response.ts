import { ApiProperty } from '@nestjs/swagger';
import type { ResealReport } from './reseal-contact-points.use-case';

export class ResealReportResponse implements ResealReport {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'k20261206',
    description: 'null: the legacy CONTACT_KEY',
  })
  currentKid: string | null;
  @ApiProperty({ example: 120 })
  resealed: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: {},
    description: 'Values that did not open, by the key they name; left as they are',
  })
  unopenable: Record<string, number>;
}
