import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../identity.options';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysError, ApiKeysErrorCode } from './api-keys.errors';

@Injectable()
export class RevokeApiKey {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  /**
   * From now on the key gets no new tokens. Tokens already issued stay valid until they expire
   * (at most MACHINE_TOKEN_TTL_SECONDS): services verify tokens offline.
   */
  async execute(admin: Actor, id: string): Promise<void> {
    const found = await this.ds.transaction((tx) => this.apiKeys.revoke(tx, id, admin.id));
    if (!found) throw new ApiKeysError(ApiKeysErrorCode.API_KEY_NOT_FOUND, `no API key ${id}`);
  }
}
