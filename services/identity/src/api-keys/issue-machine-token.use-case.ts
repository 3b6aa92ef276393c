import { Inject, Injectable } from '@nestjs/common';
import { issueAccessToken } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB, IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';
import { looksLikeApiKey, sha256OfApiKey } from './api-key-secret';
import { ApiKeyRepository } from './api-key.repository';
import type { MachineTokenResponse } from './api-key.response';
import { ApiKeysError, ApiKeysErrorCode } from './api-keys.errors';

// Short, because a revoked key's tokens live on until they expire.
export const MACHINE_TOKEN_TTL_SECONDS = 15 * 60;

@Injectable()
export class IssueMachineToken {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  async execute(presentedKey: string | undefined): Promise<MachineTokenResponse> {
    // Missing, malformed, unknown and revoked keys get one answer.
    const refused = new ApiKeysError(
      ApiKeysErrorCode.INVALID_API_KEY,
      'X-Api-Key is missing, unknown or revoked',
    );
    if (!looksLikeApiKey(presentedKey)) throw refused;
    const key = await this.ds.transaction((tx) =>
      this.apiKeys.touchActiveKey(tx, sha256OfApiKey(presentedKey)),
    );
    if (!key) throw refused;
    return issueAccessToken(
      this.options.authKeys,
      { id: key.id, kind: 'machine', role: key.role },
      MACHINE_TOKEN_TTL_SECONDS,
    );
  }
}
