import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Public, Roles, type Actor } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { IDENTITY_DB } from '../identity.options';
import { ApiKeyIdParams } from './api-key-id.request';
import { ApiKeyRepository } from './api-key.repository';
import {
  ApiKeyResponse,
  CreatedApiKeyResponse,
  MachineTokenResponse,
  toApiKeyResponse,
} from './api-key.response';
import { CreateApiKeyRequest } from './create-api-key.request';
import { CreateApiKey } from './create-api-key.use-case';
import { IssueMachineToken } from './issue-machine-token.use-case';
import { RevokeApiKey } from './revoke-api-key.use-case';

@ApiTags('identity: API keys')
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
  @ApiCreatedResponse({ type: CreatedApiKeyResponse, description: 'The key is shown this once' })
  @Roles('admin')
  create(@Body() body: CreateApiKeyRequest, @CurrentActor() admin: Actor) {
    return this.createApiKey.execute(admin, body);
  }

  @Get('api-keys')
  @ApiOkResponse({ type: ApiKeyResponse, isArray: true })
  @Roles('admin')
  async list() {
    return (await this.apiKeys.listAll(this.ds.manager)).map(toApiKeyResponse);
  }

  @Delete('api-keys/:id')
  @ApiNoContentResponse({ description: 'Revoked: tokens it issued stop working when they expire' })
  @ApiErrors({ 404: ['API_KEY_NOT_FOUND'] })
  @Roles('admin')
  @HttpCode(204)
  revoke(@Param() params: ApiKeyIdParams, @CurrentActor() admin: Actor) {
    return this.revokeApiKey.execute(admin, params.id);
  }

  /** Machine callers (platform pushes) trade an API key for a short-lived token. */
  @Post('tokens')
  @ApiHeader({ name: 'x-api-key', required: true, description: 'The API key issued by an admin' })
  @ApiOkResponse({ type: MachineTokenResponse })
  @ApiErrors({ 401: ['INVALID_API_KEY'] })
  @Public('login')
  @HttpCode(200)
  token(@Headers('x-api-key') apiKey: string | undefined) {
    return this.issueMachineToken.execute(apiKey);
  }
}
