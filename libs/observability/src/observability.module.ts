import { DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry, type ReadinessLimits } from './health/readiness';
import { MetricsController } from './metrics/metrics.controller';

/**
 * Health, readiness and /metrics for a process: each service module registers its probe with
 * `serviceReadiness(...)`; this module (once per app, global) answers for all of them.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(limits: Partial<ReadinessLimits> = {}): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        {
          provide: ReadinessRegistry,
          useFactory: () => {
            const registry = new ReadinessRegistry();
            registry.limits = { ...registry.limits, ...limits };
            return registry;
          },
        },
      ],
      exports: [ReadinessRegistry],
    };
  }
}

/** Wraps a service's module with health, readiness and metrics for running it on its own. */
export function withObservability(
  service: DynamicModule,
  limits: Partial<ReadinessLimits> = {},
): DynamicModule {
  @Module({})
  class ServiceWithObservability {}
  return { module: ServiceWithObservability, imports: [ObservabilityModule.forRoot(limits), service] };
}
