import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Length, Matches } from 'class-validator';
import type { DataSource } from 'typeorm';
import { listAuditEntryRows } from './audit-entries.repository';

export const AUDIT_ENTRIES_DEFAULT_LIMIT = 50;

/** `?before=&limit=&action=&subjectRef=`: one page of a service's audit trail, newest first. */
export class ListAuditEntriesQuery {
  @ApiPropertyOptional({
    example: '1234',
    description: 'Only entries older than this seq (the previous page’s nextBefore)',
  })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,17}$/, { message: 'before must be a positive integer' })
  before?: string;

  @ApiPropertyOptional({ example: '50', description: 'Entries per page, 1-200 (default 50)' })
  @IsOptional()
  @Matches(/^([1-9]|[1-9][0-9]|1[0-9]{2}|200)$/, { message: 'limit must be an integer from 1 to 200' })
  limit?: string;

  @ApiPropertyOptional({ example: 'order.reveal', description: 'Only entries with exactly this action' })
  @IsOptional()
  @Length(1, 100, { message: 'action must be 1-100 characters' })
  action?: string;

  @ApiPropertyOptional({
    description: 'Only entries about exactly this pseudonymous subject/order reference',
  })
  @IsOptional()
  @Length(1, 200, { message: 'subjectRef must be 1-200 characters' })
  subjectRef?: string;
}

/** One audit entry as a reviewer sees it: who, why, what and which field names — never a value. */
export class AuditEntryResponse {
  @ApiProperty({ example: '1234' })
  seq: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ example: 'staff:2f1c…', description: 'Account, API key or service actor id' })
  actor: string;

  @ApiProperty({ example: 'fulfilment' })
  purpose: string;

  @ApiProperty({ example: 'order.reveal' })
  action: string;

  @ApiProperty({ description: 'Pseudonymous reference (subject ref, order ref); never PII' })
  subjectRef: string;

  @ApiProperty({
    type: [String],
    example: ['phone'],
    description: 'Names of the fields read, not their values',
  })
  fields: string[];

  @ApiProperty({ enum: ['allowed', 'refused'] })
  outcome: string;
}

export class AuditEntriesPageResponse {
  @ApiProperty({ type: [AuditEntryResponse], description: 'Newest first' })
  entries: AuditEntryResponse[];

  @ApiPropertyOptional({
    example: '1185',
    description: 'Pass as before for the next older page; absent on the last page',
  })
  nextBefore?: string;
}

/** Browsing one service's audit trail (issue 12); provided with its AuditAnchors by auditAnchorProviders. */
export class AuditEntries {
  constructor(private readonly ds: DataSource) {}

  async list(q: ListAuditEntriesQuery = {}): Promise<AuditEntriesPageResponse> {
    const limit = q.limit ? Number(q.limit) : AUDIT_ENTRIES_DEFAULT_LIMIT;
    // One more than asked tells whether an older page exists.
    const rows = await listAuditEntryRows(this.ds.manager, { ...q, limit: limit + 1 });
    const page = rows.slice(0, limit).map((r) => ({
      seq: r.seq,
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      purpose: r.purpose,
      action: r.action,
      subjectRef: r.subject,
      fields: r.fields,
      outcome: r.outcome,
    }));
    return rows.length > limit ? { entries: page, nextBefore: page[page.length - 1].seq } : { entries: page };
  }
}
