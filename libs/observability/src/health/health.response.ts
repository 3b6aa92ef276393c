import { ApiProperty } from '@nestjs/swagger';

/** Terminus' answer: `status` plus one entry per check (`<service>.<check>`: { status: up|down, … }). */
export class HealthResponse {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status!: string;
  @ApiProperty({
    description: 'checks that are up',
    example: { 'outreach.database': { status: 'up' } },
    required: false,
  })
  info?: Record<string, unknown>;
  @ApiProperty({
    description: 'checks that are down, with why',
    example: { 'outreach.consent-watermark': { status: 'down', lagMs: 5400, boundMs: 1000 } },
    required: false,
  })
  error?: Record<string, unknown>;
  @ApiProperty({ description: 'every check' })
  details!: Record<string, unknown>;
}
