import { ApiProperty } from '@nestjs/swagger';
import type { ProcessorGrant } from './processor-grants.repository';

export class ProcessorGrantResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() processorName: string;
  @ApiProperty() contractReference: string;
  @ApiProperty() purpose: string;
  @ApiProperty({ type: [String] }) fields: string[];
  @ApiProperty({ format: 'date-time' }) validFrom: string;
  @ApiProperty({ format: 'date-time' }) validUntil: string;
  @ApiProperty({ type: [String] }) dutiesAcknowledged: string[];
  @ApiProperty() createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ enum: ['pending', 'active', 'ended', 'revoked'] })
  state: 'pending' | 'active' | 'ended' | 'revoked';
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) endedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deletionConfirmedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) deletionReference: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deletionEscalatedAt: string | null;
}

export class ProcessorGrantListResponse {
  @ApiProperty({ type: [ProcessorGrantResponse] }) grants: ProcessorGrantResponse[];
}

/** When the grant stops: its end, or the revocation if earlier. */
export function grantEnd(g: ProcessorGrant): Date {
  return g.revokedAt && g.revokedAt < g.validUntil ? g.revokedAt : g.validUntil;
}

export function toProcessorGrantResponse(g: ProcessorGrant, now = new Date()): ProcessorGrantResponse {
  const end = grantEnd(g);
  const state = g.revokedAt ? 'revoked' : end <= now ? 'ended' : g.validFrom > now ? 'pending' : 'active';
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: g.id,
    processorName: g.processorName,
    contractReference: g.contractReference,
    purpose: g.purpose,
    fields: g.fields,
    validFrom: new Date(g.validFrom).toISOString(),
    validUntil: new Date(g.validUntil).toISOString(),
    dutiesAcknowledged: g.dutiesAcknowledged,
    createdBy: g.createdBy,
    createdAt: new Date(g.createdAt).toISOString(),
    state,
    endedAt: state === 'revoked' || state === 'ended' ? end.toISOString() : null,
    deletionConfirmedAt: iso(g.deletionConfirmedAt),
    deletionReference: g.deletionReference,
    deletionEscalatedAt: iso(g.deletionEscalatedAt),
  };
}
