import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, Matches, ValidateIf } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { checkAuditAnchors } from './audit-anchors';
import type { AuditAnchors } from './audit-anchors.providers';
import { verifyAuditTrail } from './audit-log';

const eitherGiven = (q: VerifyAuditTrailQuery) => q.knownSeq !== undefined || q.knownHash !== undefined;

/**
 * `?knownSeq=&knownHash=`: a head of this chain seen earlier (privacy keeps the last one it saw). A chain
 * alone cannot show that its newest entries were removed; an earlier head that is gone can.
 */
export class VerifyAuditTrailQuery {
  @ApiPropertyOptional({ example: '1234', description: 'seq of a head seen earlier; with knownHash' })
  @ValidateIf(eitherGiven)
  @IsDefined({ message: 'knownSeq is required with knownHash' })
  @Matches(/^[1-9][0-9]{0,17}$/, { message: 'knownSeq must be a positive integer' })
  knownSeq?: string;

  @ApiPropertyOptional({ description: 'hash of that head (64 lowercase hex); with knownSeq' })
  @ValidateIf(eitherGiven)
  @IsDefined({ message: 'knownHash is required with knownSeq' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'knownHash must be 64 lowercase hex characters' })
  knownHash?: string;
}

/** What `GET /api/v1/<service>/audit/verify` answers (R20): the verdict over one service's audit_log. */
export class AuditTrailVerdictResponse {
  @ApiProperty({ example: true, description: 'Every entry follows from its body and its predecessor' })
  intact: boolean;

  @ApiProperty({ example: 1234, description: 'Entries walked' })
  entries: number;

  @ApiPropertyOptional({ example: '42', description: 'The first entry whose hash does not follow (R20)' })
  brokenSeq?: string;

  @ApiPropertyOptional({ example: '1234', description: 'The newest entry; absent when the trail is empty' })
  headSeq?: string;

  @ApiPropertyOptional({ description: 'Its hash: pass both back later as knownSeq/knownHash' })
  headHash?: string;

  @ApiPropertyOptional({
    example: '1200',
    description: 'The known head is gone beyond this seq: the newest entries were removed',
  })
  truncatedAfterSeq?: string;

  @ApiPropertyOptional({ example: 24, description: 'Signed anchors of this chain checked (R20)' })
  anchorsChecked?: number;

  @ApiPropertyOptional({ example: '1200', description: 'The newest anchor with a valid signature' })
  latestAnchorSeq?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When that anchor was signed' })
  latestAnchorAt?: string;

  @ApiPropertyOptional({ type: [String], description: 'One sentence per finding; empty when intact' })
  problems?: string[];
}

interface KnownHead {
  seq: string;
  hash: string;
}

/**
 * The verdict in the response's shape; each service's query passes its own connection, in one
 * snapshot (REPEATABLE READ) so an entry appended during the walk is not taken for a change. With
 * `anchors` (the service's AuditAnchors), its signed anchors are checked too: a removed or rewritten
 * tail up to the newest anchor shows, even when the hashes were recomputed.
 */
export async function auditTrailVerdict(
  tx: EntityManager,
  known?: Partial<KnownHead>,
  anchors?: Pick<AuditAnchors, 'service' | 'keys'>,
): Promise<AuditTrailVerdictResponse> {
  const { intact, entries, brokenSeq } = await verifyAuditTrail(tx);
  const verdict: AuditTrailVerdictResponse = { intact, entries, problems: [] };
  if (brokenSeq !== undefined) {
    verdict.brokenSeq = brokenSeq;
    verdict.problems!.push(
      `entry seq ${brokenSeq} does not follow from its content and predecessor: it was edited, or the entry before it removed`,
    );
  }
  const [head] = await tx.query('SELECT seq::text AS seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  if (head) Object.assign(verdict, { headSeq: head.seq, headHash: head.hash });
  if (anchors) {
    const found = await checkAuditAnchors(tx, anchors.service, anchors.keys);
    verdict.anchorsChecked = found.anchorsChecked;
    if (found.latestAnchor)
      Object.assign(verdict, {
        latestAnchorSeq: found.latestAnchor.seq,
        latestAnchorAt: found.latestAnchor.at,
      });
    if (found.problems.length > 0) {
      verdict.intact = false;
      verdict.problems!.push(...found.problems);
      if (found.brokenSeq !== undefined) verdict.brokenSeq ??= found.brokenSeq;
      if (found.truncatedAfterSeq !== undefined) verdict.truncatedAfterSeq = found.truncatedAfterSeq;
    }
  }
  if (known?.seq === undefined || known.hash === undefined) return verdict;

  const [found] = await tx.query('SELECT hash FROM audit_log WHERE seq = $1', [known.seq]);
  if (found?.hash === known.hash) return verdict;
  verdict.intact = false;
  if (found) {
    verdict.brokenSeq ??= known.seq;
    verdict.problems!.push(`entry seq ${known.seq} differs from the head seen earlier: it was edited`);
  } else if (!head || BigInt(known.seq) > BigInt(head.seq)) {
    if (verdict.truncatedAfterSeq !== undefined) return verdict; // an anchor already said so
    verdict.truncatedAfterSeq = head?.seq ?? '0';
    verdict.problems!.push(
      `entries after seq ${verdict.truncatedAfterSeq} are missing: seq ${known.seq} was the head seen earlier`,
    );
  } else {
    verdict.brokenSeq ??= known.seq;
    verdict.problems!.push(`entry seq ${known.seq}, the head seen earlier, was removed`);
  }
  return verdict;
}
