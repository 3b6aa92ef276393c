import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Public } from '@siyu/auth';
import { ReadinessRegistry } from '../health/readiness';
import { metricsRegistry } from './metrics';

/** Prometheus scrape target. Restrict it at the network edge in production (labels carry no PII). */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  @Get()
  @Public('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  @ApiProduces('text/plain')
  @ApiOkResponse({ type: String, description: 'Prometheus text exposition format' })
  @ApiErrors({ 500: ['INTERNAL'] })
  async scrape(): Promise<string> {
    // Gauges that live in the database (outbox backlog, watermark age) are read at scrape time.
    await this.readiness.probeAll();
    return metricsRegistry.metrics();
  }
}
