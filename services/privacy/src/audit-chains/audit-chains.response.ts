import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const CHAIN_STATES = ['intact', 'broken', 'unreachable'] as const;
export type ChainState = (typeof CHAIN_STATES)[number];

export class AuditChainResult {
  @ApiProperty({ example: 'outreach-audit', description: 'consent-ledger or <service>-audit' })
  chain: string;

  @ApiProperty({ example: 'outreach' })
  service: string;

  @ApiProperty({
    enum: CHAIN_STATES,
    description: 'unreachable: the service did not answer its verifier, so nothing is known',
  })
  state: ChainState;

  @ApiPropertyOptional({ example: 1234, description: 'Entries walked' })
  entries?: number;

  @ApiPropertyOptional({ example: '42', description: 'The first entry whose hash does not follow' })
  brokenSeq?: string;

  @ApiPropertyOptional({
    example: '812',
    description:
      'Newest entries removed after this seq: shown by a signed anchor (consent ledger) or by the head privacy saw earlier (audit chains)',
  })
  truncatedAfterSeq?: string;

  @ApiProperty({ type: [String], description: 'One sentence per finding; empty when intact' })
  problems: string[];
}

/** The latest scheduled verification (machine credential), as recorded (R20). */
export class ScheduledRunResponse {
  @ApiProperty({ format: 'date-time' })
  checkedAt: string;

  @ApiProperty({ example: true, description: 'Every chain answered and was intact' })
  intact: boolean;

  @ApiProperty({ type: [AuditChainResult], description: 'The chains that were broken or unreachable' })
  failing: AuditChainResult[];

  @ApiProperty({
    type: [String],
    description: 'Why the run could not ask the verifiers at all (e.g. the machine key was refused)',
  })
  problems: string[];
}

/** `GET /api/v1/privacy/audit-chains`: one verification over every chain (R20). */
export class AuditChainsResponse {
  @ApiProperty({ example: true, description: 'Every chain answered and is intact' })
  intact: boolean;

  @ApiProperty({ format: 'date-time' })
  checkedAt: string;

  @ApiProperty({ type: [AuditChainResult] })
  chains: AuditChainResult[];

  @ApiPropertyOptional({
    type: ScheduledRunResponse,
    description: 'The latest scheduled verification; absent before the first one',
  })
  lastScheduledRun?: ScheduledRunResponse;
}
