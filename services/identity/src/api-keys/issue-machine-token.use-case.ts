import { Inject, Injectable } from '@nestjs/common';
import { issueAccessToken } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB, IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';
import { looksLikeApiKey, sha256OfApiKey } from './api-key-secret';
import { ApiKeyRepository } from './api-key.repository';
import type { MachineTokenResponse } from './api-key.response';
import { IdentityProcessorGrantsRepository } from '../processor-grants/processor-grants.repository';
import { ApiKeysError, ApiKeysErrorCode } from './api-keys.errors';

// Short, because a revoked key's tokens live on until they expire.
export const MACHINE_TOKEN_TTL_SECONDS = 15 * 60;

@Injectable()
export class IssueMachineToken {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
    private readonly apiKeys: ApiKeyRepository,
    private readonly grants: IdentityProcessorGrantsRepository,
  ) {}

  async execute(presentedKey: string | undefined, now = new Date()): Promise<MachineTokenResponse> {
    // Missing, malformed, unknown and revoked keys get one answer.
    const refused = new ApiKeysError(
      ApiKeysErrorCode.INVALID_API_KEY,
      'X-Api-Key is missing, unknown or revoked',
    );
    if (!looksLikeApiKey(presentedKey)) throw refused;
    const { key, grant } = await this.ds.transaction(async (tx) => {
      const found = await this.apiKeys.touchActiveKey(tx, sha256OfApiKey(presentedKey));
      return { key: found, grant: found?.grantId ? await this.grants.find(tx, found.grantId) : null };
    });
    if (!key) throw refused;
    if (key.role !== 'processor')
      return issueAccessToken(
        this.options.authKeys,
        { id: key.id, kind: 'machine', role: key.role },
        MACHINE_TOKEN_TTL_SECONDS,
      );
    // R15: the token carries the grant and expires no later than the grant's end (issueAccessToken).
    if (!grant || grant.endedAt || grant.validUntil <= now)
      throw new ApiKeysError(ApiKeysErrorCode.PROCESSOR_GRANT_ENDED, `the grant of this key has ended`);
    if (grant.validFrom > now)
      throw new ApiKeysError(
        ApiKeysErrorCode.PROCESSOR_GRANT_NOT_STARTED,
        `the grant of this key starts at ${grant.validFrom.toISOString()}`,
      );
    return issueAccessToken(
      this.options.authKeys,
      {
        id: key.id,
        kind: 'machine',
        role: 'processor',
        grant: {
          id: grant.grantId,
          purpose: grant.purpose,
          fields: grant.fields,
          until: grant.validUntil.toISOString(),
        },
      },
      MACHINE_TOKEN_TTL_SECONDS,
    );
  }
}
