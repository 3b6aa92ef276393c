import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STAFF_ROLES, type StaffRole } from '@siyu/auth';
import type { StaffAccount } from './staff-account.repository';

// Response DTOs: what leaves the service, never the row (no password hash, no failed-attempt counters).
export class StaffAccountResponse {
  @ApiProperty({ format: 'uuid', example: '0b6f3c52-6a2e-4d5c-9a7c-1f7e2d9b8c11' })
  id: string;

  @ApiProperty({ example: 'li.ops' })
  username: string;

  @ApiProperty({ enum: STAFF_ROLES, example: 'ops' })
  role: StaffRole;

  @ApiProperty({ example: false })
  disabled: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-12-06T09:30:00.000Z' })
  createdAt: string;
}

export class CreatedStaffAccountResponse extends StaffAccountResponse {
  /** Present only when the admin gave no password; shown this once and never stored. */
  @ApiPropertyOptional({ description: 'Only when no password was given: shown this once, never stored' })
  generatedPassword?: string;
}

export class LogInResponse {
  @ApiProperty({ description: 'Bearer access token (Ed25519-signed JWT)' })
  token: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-06T17:30:00.000Z' })
  expiresAt: string;

  @ApiProperty({ enum: STAFF_ROLES, example: 'admin' })
  role: StaffRole;
}

export function toStaffAccountResponse(account: StaffAccount): StaffAccountResponse {
  return {
    id: account.id,
    username: account.username,
    role: account.role,
    disabled: account.disabled,
    createdAt: account.createdAt.toISOString(),
  };
}
