import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EntityManager } from 'typeorm';
import { verifyAuditTrail } from './audit-log';

/** What `GET /api/v1/<service>/audit/verify` answers (R20): the verdict over one service's audit_log. */
export class AuditTrailVerdictResponse {
  @ApiProperty({ example: true, description: 'Every entry follows from its body and its predecessor' })
  intact: boolean;

  @ApiProperty({ example: 1234, description: 'Entries walked' })
  entries: number;

  @ApiPropertyOptional({ example: '42', description: 'The first entry whose hash does not follow (R20)' })
  brokenSeq?: string;
}

/** The verdict in the response's shape; each service's query passes its own connection. */
export async function auditTrailVerdict(tx: EntityManager): Promise<AuditTrailVerdictResponse> {
  const { intact, entries, brokenSeq } = await verifyAuditTrail(tx);
  return brokenSeq === undefined ? { intact, entries } : { intact, entries, brokenSeq };
}
