import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB, IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';
import { looksLikeApiKey, sha256OfApiKey } from './api-key-secret';
import { ApiKeyRepository } from './api-key.repository';

export const PROVISIONED_AUDITOR_KEY_NAME = 'privacy-auditor (provisioned on first start)';

/**
 * R20 in one process (`npm start`): the auditor key the standalone generated into its secrets file is
 * registered on first start, so scheduled audit-chain verification runs without an admin step.
 * Registered once: a key an admin revoked stays revoked across restarts.
 */
@Injectable()
export class ProvisionAuditorApiKey {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityModuleOptions,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  async execute(): Promise<'none' | 'created' | 'present' | 'revoked'> {
    const key = this.options.provisionAuditorApiKey;
    if (!key) return 'none';
    if (!looksLikeApiKey(key)) throw new Error('the auditor API key to provision is not an sk_ key');
    return this.ds.transaction(async (tx) => {
      const existing = await this.apiKeys.findByHash(tx, sha256OfApiKey(key));
      if (existing) return existing.revokedAt ? 'revoked' : 'present';
      await this.apiKeys.insert(tx, {
        name: PROVISIONED_AUDITOR_KEY_NAME,
        role: 'auditor',
        keySha256: sha256OfApiKey(key),
        createdBy: 'identity:first-start',
      });
      return 'created';
    });
  }
}
