import { ApiProperty } from '@nestjs/swagger';
import type { SmsTemplate } from './template.repository';

export class TemplateResponse {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['sandbox', 'aliyun', 'tencent'] }) vendor: string;
  @ApiProperty() signName: string;
  @ApiProperty() templateCode: string;
  @ApiProperty() name: string;
  @ApiProperty() content: string;
  @ApiProperty({ enum: ['marketing', 'notification', 'verification'] }) kind: string;
  @ApiProperty({ enum: ['approved', 'pending', 'rejected'] }) vendorStatus: string;
  @ApiProperty({ type: [String] }) variables: string[];
  @ApiProperty({ type: [String], description: 'Why it cannot be used for its kind; empty when usable' })
  problems: string[];
  @ApiProperty() usable: boolean;
  @ApiProperty({ enum: ['synced', 'declared'] }) source: string;
  @ApiProperty() updatedAt: string;
}

export class SmsEstimateResponse {
  @ApiProperty({ description: 'The text as one recipient receives it (the unsubscribe link as a sample)' })
  text: string;
  @ApiProperty({ description: 'Characters as the carrier counts them, signature included' })
  characters: number;
  @ApiProperty({ description: '70 characters fit one part; longer texts are billed per 67' }) parts: number;
  @ApiProperty({ description: 'Estimated cost per recipient, in fen (分)' }) costFenPerRecipient: number;
}

export class TemplateSyncResponse {
  @ApiProperty() vendor: string;
  @ApiProperty() listed: number;
  @ApiProperty() usable: number;
  @ApiProperty() markedRejected: number;
}

export function toTemplateResponse(t: SmsTemplate): TemplateResponse {
  return {
    id: t.id,
    vendor: t.vendor,
    signName: t.signName,
    templateCode: t.templateCode,
    name: t.name,
    content: t.content,
    kind: t.kind,
    vendorStatus: t.vendorStatus,
    variables: t.variables,
    problems: t.problems,
    usable: t.problems.length === 0 && t.vendorStatus === 'approved',
    source: t.source,
    updatedAt: t.updatedAt,
  };
}
