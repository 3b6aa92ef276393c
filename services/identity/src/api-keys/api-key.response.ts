import { ApiProperty } from '@nestjs/swagger';
import { MACHINE_ROLES, type MachineRole } from '@siyu/auth';
import type { ApiKey } from './api-key.repository';

// Response DTOs: never the stored hash.
export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid', example: '5d1c2a8e-3f4b-4c6d-8e9f-0a1b2c3d4e5f' })
  id: string;

  @ApiProperty({ example: 'tmall-push' })
  name: string;

  @ApiProperty({ enum: MACHINE_ROLES, example: 'platform' })
  role: MachineRole;

  @ApiProperty({ format: 'date-time', example: '2026-12-06T09:30:00.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', type: String, nullable: true, example: null })
  lastUsedAt: string | null;

  @ApiProperty({ format: 'date-time', type: String, nullable: true, example: null })
  revokedAt: string | null;

  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'Role processor: its grant' })
  grantId: string | null;
}

export class CreatedApiKeyResponse {
  @ApiProperty({ format: 'uuid', example: '5d1c2a8e-3f4b-4c6d-8e9f-0a1b2c3d4e5f' })
  id: string;

  @ApiProperty({ example: 'tmall-push' })
  name: string;

  @ApiProperty({ enum: MACHINE_ROLES, example: 'platform' })
  role: MachineRole;

  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'Role processor: its grant' })
  grantId: string | null;

  /** Shown this once; identity keeps only its SHA-256. */
  @ApiProperty({ description: 'Shown this once; identity keeps only its SHA-256', example: 'sk_live_…' })
  key: string;
}

export class MachineTokenResponse {
  @ApiProperty({ description: 'Bearer access token for the machine caller' })
  token: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-06T10:30:00.000Z' })
  expiresAt: string;
}

export function toApiKeyResponse(key: ApiKey): ApiKeyResponse {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    grantId: key.grantId,
  };
}
