import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '@siyu/auth';
import { HealthResponse } from './health.response';
import { ReadinessRegistry } from './readiness';

/** Liveness (the process answers) and readiness (it can do its work) for orchestrators and people. */
@ApiTags('health')
@Controller('api/v1/health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get()
  @Public('health')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthResponse, description: 'the process is alive' })
  @ApiServiceUnavailableResponse({
    description: 'no answer at all (or a proxy’s 503): the process is not serving',
  })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @Public('health')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthResponse, description: 'database, broker, outbox and service checks are up' })
  @ApiServiceUnavailableResponse({
    type: HealthResponse,
    description: 'a check is down: `error` says which and why',
  })
  async ready() {
    const results = await this.readiness.probeAll();
    return this.health.check(
      Object.entries(results).map(([key, { up, ...data }]) => () => {
        const session = this.indicators.check(key);
        return up ? session.up(data) : session.down(data);
      }),
    );
  }
}
