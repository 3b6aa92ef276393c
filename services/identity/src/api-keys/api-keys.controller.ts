import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Public, Roles, type Actor } from '@siyu/auth';
import { ApiKeyIdParams } from './api-key-id.request';
import { ApiKeyResponse, CreatedApiKeyResponse, MachineTokenResponse } from './api-key.response';
import { CreateApiKeyRequest } from './create-api-key.request';
import { CreateApiKey } from './create-api-key.use-case';
import { IssueMachineToken } from './issue-machine-token.use-case';
import { ListApiKeys } from './list-api-keys.query';
import { RevokeApiKey } from './revoke-api-key.use-case';

@ApiTags('identity: API keys')
@Controller('api/v1/identity')
export class ApiKeysController {
  constructor(
    private readonly createApiKey: CreateApiKey,
    private readonly apiKeys: ListApiKeys,
    private readonly revokeApiKey: RevokeApiKey,
    private readonly issueMachineToken: IssueMachineToken,
  ) {}

  @Post('api-keys')
  @ApiCreatedResponse({ type: CreatedApiKeyResponse, description: 'The key is shown this once' })
  @ApiErrors({
    400: ['GRANT_REQUIRED', 'GRANT_NOT_FOR_ROLE'],
    409: ['GRANT_UNKNOWN', 'PROCESSOR_GRANT_ENDED'],
  })
  @Roles('admin')
  create(@Body() body: CreateApiKeyRequest, @CurrentActor() admin: Actor) {
    return this.createApiKey.execute(admin, body);
  }

  @Get('api-keys')
  @ApiOkResponse({ type: ApiKeyResponse, isArray: true })
  @Roles('admin')
  list() {
    return this.apiKeys.execute();
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
  @ApiErrors({
    401: ['INVALID_API_KEY'],
    403: ['PROCESSOR_GRANT_NOT_STARTED'],
    409: ['PROCESSOR_GRANT_ENDED'],
  })
  @Public('login')
  @HttpCode(200)
  token(@Headers('x-api-key') apiKey: string | undefined) {
    return this.issueMachineToken.execute(apiKey);
  }
}
