import { Inject, Injectable } from '@nestjs/common';
import type { Actor, MachineRole } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../identity.options';
import { generateApiKey, sha256OfApiKey } from './api-key-secret';
import { ApiKeyRepository } from './api-key.repository';
import type { CreatedApiKeyResponse } from './api-key.response';
import { ApiKeysError, ApiKeysErrorCode } from './api-keys.errors';
import { IdentityProcessorGrantsRepository } from '../processor-grants/processor-grants.repository';

@Injectable()
export class CreateApiKey {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    private readonly apiKeys: ApiKeyRepository,
    private readonly grants: IdentityProcessorGrantsRepository,
  ) {}

  async execute(
    admin: Actor,
    request: { name: string; role: MachineRole; grantId?: string },
    now = new Date(),
  ): Promise<CreatedApiKeyResponse> {
    // R15: an agency's key serves exactly one grant, and only a grant that has not ended.
    if (request.role === 'processor' && !request.grantId)
      throw new ApiKeysError(
        ApiKeysErrorCode.GRANT_REQUIRED,
        'a processor key needs grantId (the privacy officer’s grant)',
      );
    if (request.role !== 'processor' && request.grantId)
      throw new ApiKeysError(
        ApiKeysErrorCode.GRANT_NOT_FOR_ROLE,
        `a ${request.role} key serves no grant; drop grantId`,
      );
    const key = generateApiKey();
    const stored = await this.ds.transaction(async (tx) => {
      if (request.grantId) {
        const grant = await this.grants.find(tx, request.grantId);
        if (!grant)
          throw new ApiKeysError(
            ApiKeysErrorCode.GRANT_UNKNOWN,
            `grant ${request.grantId} is not known to identity (yet): check the id, or retry in a moment`,
          );
        if (grant.endedAt || grant.validUntil <= now)
          throw new ApiKeysError(
            ApiKeysErrorCode.PROCESSOR_GRANT_ENDED,
            `grant ${request.grantId} has ended`,
          );
      }
      return this.apiKeys.insert(tx, {
        name: request.name,
        role: request.role,
        keySha256: sha256OfApiKey(key),
        createdBy: admin.id,
        grantId: request.grantId,
      });
    });
    return { id: stored.id, name: stored.name, role: stored.role, grantId: stored.grantId, key };
  }
}
