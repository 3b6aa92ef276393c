import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHANNELS,
  CONSENT_DOORS,
  PURPOSES,
  WITHDRAWAL_SOURCES,
  type Channel,
  type ConsentDoor,
  type Purpose,
  type WithdrawalSource,
} from '@siyu/contracts';
import type { LedgerVerdict } from '../ledger-anchors/ledger-verifier';
import type { ConsentState, LedgerAction, LedgerEntry, LedgerHead } from '../ledger/ledger.repository';

const ACTIONS: LedgerAction[] = ['granted', 'withdrawn', 'expired', 'purged'];

export class ConsentStateResponse implements ConsentState {
  @ApiProperty({ enum: PURPOSES, example: 'marketing_messages' })
  purpose: Purpose;
  @ApiProperty({ enum: CHANNELS, example: 'sms' })
  channel: Channel;
  @ApiProperty({ example: true })
  granted: boolean;
  @ApiProperty({ example: 17 })
  seq: number;
}

export class SubjectStateResponse {
  @ApiProperty({ format: 'uuid' })
  subjectRef: string;
  @ApiProperty({ format: 'date-time' })
  asOf: string;
  @ApiProperty({ type: ConsentStateResponse, isArray: true })
  state: ConsentState[];
}

/** A ledger entry: refs and hashes, never PII (R20). */
export class LedgerEntryResponse implements LedgerEntry {
  @ApiProperty({ example: 17 })
  seq: number;
  @ApiProperty({ example: 'demo' })
  brandId: string;
  @ApiProperty({ format: 'uuid' })
  subjectRef: string;
  @ApiProperty({ enum: ACTIONS, example: 'granted' })
  action: LedgerAction;
  @ApiProperty({ enum: PURPOSES, isArray: true })
  purposes: Purpose[];
  @ApiProperty({ enum: CHANNELS, isArray: true })
  channels: Channel[];
  @ApiPropertyOptional()
  noticeHash?: string;
  @ApiPropertyOptional({ enum: CONSENT_DOORS })
  door?: ConsentDoor;
  @ApiPropertyOptional({ enum: WITHDRAWAL_SOURCES })
  source?: WithdrawalSource;
  @ApiPropertyOptional({ format: 'date-time' })
  expiresAt?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Minimal proof: token id, verification method, hashed IP/UA; `{}` once purged',
  })
  evidence: Record<string, string>;
  @ApiProperty({ format: 'date-time' })
  at: string;
  @ApiProperty()
  hash: string;
  @ApiProperty()
  evidenceDigest: string;
  @ApiPropertyOptional({ format: 'date-time' })
  evidencePurgedAt?: string;
}

export class SubjectHistoryResponse {
  @ApiProperty({ format: 'uuid' })
  subjectRef: string;
  @ApiProperty({ type: LedgerEntryResponse, isArray: true })
  entries: LedgerEntry[];
}

export class LedgerHeadResponse implements LedgerHead {
  @ApiProperty({ example: 1234 })
  seq: number;
  @ApiProperty()
  hash: string;
}

export class LedgerVerdictResponse implements LedgerVerdict {
  @ApiProperty({ example: true })
  intact: boolean;
  @ApiProperty({ example: 1234 })
  entries: number;
  @ApiProperty({ type: LedgerHeadResponse, nullable: true })
  head: LedgerHead | null;
  @ApiPropertyOptional({
    description: 'The first entry that does not follow from its content and predecessor',
  })
  brokenSeq?: number;
  @ApiPropertyOptional({
    description: 'An anchor names a head beyond the ledger: the newest entries were removed',
  })
  truncatedAfterSeq?: number;
  @ApiProperty({ type: String, isArray: true, example: [], description: 'One sentence per finding' })
  problems: string[];
  @ApiProperty({ example: 3 })
  anchorsChecked: number;
  @ApiProperty({ example: 1 })
  receiptsChecked: number;
}
