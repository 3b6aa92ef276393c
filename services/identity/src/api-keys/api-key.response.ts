import type { MachineRole } from '@siyu/auth';
import type { ApiKey } from './api-key.repository';

export interface ApiKeyResponse {
  id: string;
  name: string;
  role: MachineRole;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKeyResponse {
  id: string;
  name: string;
  role: MachineRole;
  /** Shown this once; identity keeps only its SHA-256. */
  key: string;
}

export interface MachineTokenResponse {
  token: string;
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
  };
}
