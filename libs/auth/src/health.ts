import { Controller, DynamicModule, Get, Module } from '@nestjs/common';
import { Public } from './decorators';

@Controller('api/v1/health')
export class HealthController {
  @Get()
  @Public('health')
  health() {
    return { status: 'ok' };
  }
}

/** Wraps a service's module with the health route for running it on its own. */
export function withHealth(service: DynamicModule): DynamicModule {
  @Module({})
  class ServiceWithHealth {}
  return { module: ServiceWithHealth, imports: [service], controllers: [HealthController] };
}
