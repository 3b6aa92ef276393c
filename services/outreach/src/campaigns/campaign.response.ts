import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CampaignRun, RunResults } from '../runs/run.repository';
import type { Send } from '../runs/send.repository';
import type { SmsEstimate } from '../templates/estimate-sms';
import type { Campaign } from './campaign.repository';

export class EstimateResponse {
  @ApiProperty() characters: number;
  @ApiProperty() parts: number;
  @ApiProperty({ description: 'fen (分) per recipient' }) costFenPerRecipient: number;
  @ApiProperty({ description: 'The first variant as a recipient reads it (sample unsubscribe link)' })
  text: string;
}

export class CampaignResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() segmentId: string;
  @ApiProperty() purpose: string;
  @ApiProperty() channel: string;
  @ApiProperty({ nullable: true, type: String, description: 'SMS campaigns: the vendor template' })
  templateId: string | null;
  @ApiPropertyOptional({
    description: 'WeCom: { kind, text }; WeChat: { kind, templateId, data, page } (null for SMS)',
    type: Object,
    nullable: true,
  })
  message: Record<string, unknown> | null;
  @ApiProperty({ description: '[{ name, variables }]' }) variants: {
    name: string;
    variables: Record<string, string>;
  }[];
  @ApiProperty({ description: '{ kind: now } | { kind: at, at } | { kind: cron, cron, timeZone }' })
  schedule: Record<string, string>;
  @ApiProperty() caps: { maxRecipients?: number };
  @ApiPropertyOptional() quietHours: { start: string; end: string } | null;
  @ApiProperty({ enum: ['draft', 'scheduled', 'sending', 'done', 'paused', 'cancelled'] }) state: string;
  @ApiPropertyOptional() nextRunAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ type: EstimateResponse }) estimate?: EstimateResponse;
}

export class RunResultsResponse {
  @ApiProperty() targeted: number;
  @ApiProperty() pending: number;
  @ApiProperty() deferredByQuietHours: number;
  @ApiProperty({
    description: 'reason → count: no_consent, consent_withdrawn, suppressed, no_contact_point, frequency_cap',
  })
  blocked: Record<string, number>;
  @ApiProperty() submitted: number;
  @ApiProperty() delivered: number;
  @ApiProperty({ description: 'vendor error code → count' }) failed: Record<string, number>;
  @ApiProperty() reconciling: number;
  @ApiProperty() cancelled: number;
  @ApiProperty() optedOutWithin72h: number;
  @ApiProperty() partsBilled: number;
}

export class RunResponse {
  @ApiProperty() id: string;
  @ApiProperty() campaignId: string;
  @ApiProperty() segmentVersion: number;
  @ApiProperty({ enum: ['queued', 'sending', 'paused', 'done', 'cancelled'] }) state: string;
  @ApiPropertyOptional({ description: 'paused_by_marketer, stale_projection, vendor_not_configured' })
  pausedReason: string | null;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional() finishedAt: string | null;
  @ApiPropertyOptional({ type: RunResultsResponse }) results?: RunResultsResponse;
}

export class SendResponse {
  @ApiProperty() sendId: string;
  @ApiProperty({ description: 'Opaque member reference; never a phone number' }) subjectRef: string;
  @ApiProperty() channel: string;
  @ApiProperty() variant: number;
  @ApiProperty({
    enum: ['planned', 'blocked', 'submitting', 'submitted', 'unknown', 'delivered', 'failed', 'cancelled'],
  })
  state: string;
  @ApiPropertyOptional() reason: string | null;
  @ApiPropertyOptional() errorCode: string | null;
  @ApiPropertyOptional() parts: number | null;
  @ApiPropertyOptional() notBefore: string;
  @ApiPropertyOptional() dispatchedAt: string | null;
  @ApiPropertyOptional() reportedAt: string | null;
}

export function toCampaignResponse(c: Campaign, estimate?: SmsEstimate): CampaignResponse {
  return {
    id: c.id,
    name: c.name,
    segmentId: c.segmentId,
    purpose: c.purpose,
    channel: c.channel,
    templateId: c.templateId,
    message: c.message,
    variants: c.variants,
    schedule: c.schedule as unknown as Record<string, string>,
    caps: c.caps,
    quietHours: c.quietHours,
    state: c.state,
    nextRunAt: c.nextRunAt,
    createdAt: c.createdAt,
    ...(estimate ? { estimate } : {}),
  };
}

export function toRunResponse(r: CampaignRun, results?: RunResults): RunResponse {
  return {
    id: r.id,
    campaignId: r.campaignId,
    segmentVersion: r.segmentVersion,
    state: r.state,
    pausedReason: r.pausedReason,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    ...(results ? { results } : {}),
  };
}

export function toSendResponse(s: Send): SendResponse {
  return {
    sendId: s.sendId,
    subjectRef: s.subjectRef,
    channel: s.channel,
    variant: s.variant,
    state: s.state,
    reason: s.reason,
    errorCode: s.errorCode,
    parts: s.parts,
    notBefore: s.notBefore,
    dispatchedAt: s.dispatchedAt,
    reportedAt: s.reportedAt,
  };
}
