import { Controller, DynamicModule, Get, Module } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from './decorators';

export class HealthResponse {
  @ApiProperty({ example: 'ok' })
  status: string;
}

@ApiTags('health')
@Controller('api/v1/health')
export class HealthController {
  @Get()
  @Public('health')
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({
    description: 'The process is not serving (no answer at all, or a proxy says so)',
  })
  health(): HealthResponse {
    return { status: 'ok' };
  }
}

/** Wraps a service's module with the health route for running it on its own. */
export function withHealth(service: DynamicModule): DynamicModule {
  @Module({})
  class ServiceWithHealth {}
  return { module: ServiceWithHealth, imports: [service], controllers: [HealthController] };
}
