import type { StaffRole } from '@siyu/auth';
import type { StaffAccount } from './staff-account.repository';

export interface StaffAccountResponse {
  id: string;
  username: string;
  role: StaffRole;
  disabled: boolean;
  createdAt: string;
}

export interface CreatedStaffAccountResponse extends StaffAccountResponse {
  /** Present only when the admin gave no password; shown this once and never stored. */
  generatedPassword?: string;
}

export interface LogInResponse {
  token: string;
  expiresAt: string;
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
