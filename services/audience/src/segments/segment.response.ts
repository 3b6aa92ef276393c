import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Segment } from './segment.repository';

export class SegmentResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() purpose: string;
  @ApiProperty() channel: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) rule: unknown;
  @ApiProperty({ type: [String], description: 'tag categories the rule selects by (R11)' })
  categories: string[];
  @ApiProperty({ description: 'last materialised version (0: never)' }) version: number;
  @ApiProperty({ description: 'a materialised segment refreshes itself when its members change' })
  autoRefresh: boolean;
  @ApiProperty({ description: 'members matching now, after every consent and opt-out guard' }) count: number;
}

export class SegmentPreviewResponse {
  @ApiProperty() count: number;
  @ApiProperty({ type: [String], description: 'subject refs only, never contact data' }) sample: string[];
  @ApiProperty({ type: [String] }) guards: string[];
  @ApiProperty({
    description: 'selects by spending power: may pick an audience, never vary price or offer (R13)',
  })
  usesSpendingPower: boolean;
}

export class MaterializedSegmentResponse {
  @ApiProperty() segmentId: string;
  @ApiProperty() version: number;
  @ApiProperty() size: number;
}

export class SegmentVersionResponse {
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['full', 'incremental'] }) kind: 'full' | 'incremental';
  @ApiProperty() size: number;
  @ApiProperty({ description: 'members who joined since the previous version' }) joined: number;
  @ApiProperty({ description: 'members who left since the previous version' }) left: number;
  @ApiProperty({ description: 'staff id, or auto-refresh' }) createdBy: string;
  @ApiProperty() createdAt: string;
}

export class ExplainNodeResponse {
  @ApiProperty() path: string;
  @ApiProperty() matched: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) rule?: unknown;
  @ApiProperty({ type: () => [ExplainNodeResponse] }) children: ExplainNodeResponse[];
}

export class ExplainResponse {
  @ApiProperty() subjectRef: string;
  @ApiProperty() inSegment: boolean;
  @ApiProperty({ description: 'plain-language summary of what decided it' }) because: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) guards: {
    name: string;
    passed: boolean;
    categories?: string[];
  }[];
  @ApiPropertyOptional({ type: () => ExplainNodeResponse, nullable: true }) rule: ExplainNodeResponse | null;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) tags: {
    key: string;
    version: number;
    value: number | string | null;
  }[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) consents: {
    purpose: string;
    channel: string;
    granted: boolean;
    ledgerSeq: number;
  }[];
  @ApiProperty({ type: [String] }) closedCategories: string[];
}

export function toSegmentResponse(s: Segment & { autoRefresh?: boolean }, count: number): SegmentResponse {
  return {
    id: s.id,
    name: s.name,
    purpose: s.purpose,
    channel: s.channel,
    rule: s.rule,
    categories: s.categories,
    version: s.version,
    autoRefresh: s.autoRefresh ?? true,
    count,
  };
}
