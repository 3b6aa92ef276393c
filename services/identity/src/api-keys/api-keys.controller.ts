import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CurrentActor, Public, Roles, type Actor } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../identity.options';
import { ApiKeyIdParams } from './api-key-id.request';
import { ApiKeyRepository } from './api-key.repository';
import { toApiKeyResponse } from './api-key.response';
import { CreateApiKeyRequest } from './create-api-key.request';
import { CreateApiKey } from './create-api-key.use-case';
import { IssueMachineToken } from './issue-machine-token.use-case';
import { RevokeApiKey } from './revoke-api-key.use-case';

@Controller('api/v1/identity')
export class ApiKeysController {
  constructor(
    @Inject(IDENTITY_DB) private readonly ds: DataSource,
    private readonly apiKeys: ApiKeyRepository,
    private readonly createApiKey: CreateApiKey,
    private readonly revokeApiKey: RevokeApiKey,
    private readonly issueMachineToken: IssueMachineToken,
  ) {}

  @Post('api-keys')
  @Roles('admin')
  create(@Body() body: CreateApiKeyRequest, @CurrentActor() admin: Actor) {
    return this.createApiKey.execute(admin, body);
  }

  @Get('api-keys')
  @Roles('admin')
  async list() {
    return (await this.apiKeys.listAll(this.ds.manager)).map(toApiKeyResponse);
  }

  @Delete('api-keys/:id')
  @Roles('admin')
  @HttpCode(204)
  revoke(@Param() params: ApiKeyIdParams, @CurrentActor() admin: Actor) {
    return this.revokeApiKey.execute(admin, params.id);
  }

  /** Machine callers (platform pushes) trade an API key for a short-lived token. */
  @Post('tokens')
  @Public('login')
  @HttpCode(200)
  token(@Headers('x-api-key') apiKey: string | undefined) {
    return this.issueMachineToken.execute(apiKey);
  }
}
