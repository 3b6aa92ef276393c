import { Inject, Injectable } from '@nestjs/common';
import type { Actor, MachineRole } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../identity.options';
import { generateApiKey, sha256OfApiKey } from './api-key-secret';
import { ApiKeyRepository } from './api-key.repository';
import type { CreatedApiKeyResponse } from './api-key.response';

@Injectable()
export class CreateApiKey {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  async execute(admin: Actor, request: { name: string; role: MachineRole }): Promise<CreatedApiKeyResponse> {
    const key = generateApiKey();
    const stored = await this.ds.transaction((tx) =>
      this.apiKeys.insert(tx, {
        name: request.name,
        role: request.role,
        keySha256: sha256OfApiKey(key),
        createdBy: admin.id,
      }),
    );
    return { id: stored.id, name: stored.name, role: stored.role, key };
  }
}
