import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/**
 * Why staff read one member's profile (R16: every read of per-member data records actor and
 * purpose). Each route has a default that names what the route is for.
 */
export const MEMBER_READ_PURPOSES = [
  'segment_review',
  'tag_review',
  'subject_request',
  'customer_care',
] as const;
export type MemberReadPurpose = (typeof MEMBER_READ_PURPOSES)[number];

export class MemberReadQuery {
  @ApiPropertyOptional({ enum: MEMBER_READ_PURPOSES, description: 'recorded in the audit trail' })
  @IsOptional()
  @IsIn(MEMBER_READ_PURPOSES)
  purpose?: MemberReadPurpose;
}
