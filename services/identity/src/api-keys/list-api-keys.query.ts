import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../identity.options';
import { ApiKeyRepository } from './api-key.repository';
import { toApiKeyResponse, type ApiKeyResponse } from './api-key.response';

/** Every API key, as the admin sees it (never the secret or its hash). */
@Injectable()
export class ListApiKeys {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  async execute(): Promise<ApiKeyResponse[]> {
    return (await this.apiKeys.listAll(this.ds.manager)).map(toApiKeyResponse);
  }
}
