import { Injectable, type Provider, type Type } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { MessageTransport } from '@siyu/messaging';
import { siyuMetrics } from '../metrics/metrics';
import { readOutboxStats } from './outbox-stats.repository';

/** A check a service adds to its readiness (e.g. outreach: the consent projection is current). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ up: boolean; details?: Record<string, unknown> }>;
}

export interface ReadinessLimits {
  /** Not ready when the oldest unpublished event is older than this (default 60 s). */
  outboxMaxAgeSeconds: number;
  /** Each check answers within this or counts as down (default 3 s). */
  timeoutMs: number;
}

export type ProbeResult = Record<string, { up: boolean } & Record<string, unknown>>;

/** One service's readiness: its database, its broker when it has one, its outbox, and its own checks. */
export class ServiceProbe {
  constructor(
    readonly service: string,
    private readonly ds: DataSource,
    private readonly transport: MessageTransport | undefined,
    private readonly extra: ReadinessCheck[],
  ) {}

  async probe(limits: ReadinessLimits): Promise<ProbeResult> {
    const s = this.service;
    const result: ProbeResult = {};
    const run = async (name: string, fn: () => Promise<{ up: boolean } & Record<string, unknown>>) => {
      try {
        result[`${s}.${name}`] = await withTimeout(fn(), limits.timeoutMs);
      } catch (err) {
        // Class and message only: driver and broker errors name hosts and settings, never personal data.
        result[`${s}.${name}`] = { up: false, error: `${(err as Error)?.name}: ${(err as Error)?.message}` };
      }
    };
    await run('database', async () => {
      await this.ds.query('SELECT 1');
      return { up: true };
    });
    if (this.transport?.name === 'kafka') {
      const transport = this.transport;
      await run('broker', async () => {
        // With no topics to create this is one metadata round trip to the broker (listTopics).
        await transport.ensureTopics([]);
        return { up: true };
      });
    }
    await run('outbox', async () => {
      const stats = await readOutboxStats(this.ds);
      siyuMetrics.outboxBacklog.set({ service: s }, stats.backlog);
      siyuMetrics.outboxOldestAge.set({ service: s }, stats.oldestAgeSeconds);
      siyuMetrics.outboxPublished.set({ service: s }, stats.publishedPosition);
      siyuMetrics.deadLetters.set({ service: s }, stats.deadLetters);
      return {
        up: stats.oldestAgeSeconds <= limits.outboxMaxAgeSeconds,
        backlog: stats.backlog,
        oldestAgeSeconds: Math.round(stats.oldestAgeSeconds * 10) / 10,
        maxAgeSeconds: limits.outboxMaxAgeSeconds,
        deadLetters: stats.deadLetters,
      };
    });
    const transport = this.transport;
    if (transport) {
      await run('consumers', async () => {
        // Lag = what each of this service's groups has yet to process (end offset − committed).
        const lags = (await transport.consumerLag()).filter((l) => l.group.startsWith(`${s}.`));
        const byGroup: Record<string, number> = {};
        for (const l of lags) {
          siyuMetrics.consumerLag.set(
            { group: l.group, topic: l.topic, partition: String(l.partition) },
            l.lag,
          );
          byGroup[l.group] = (byGroup[l.group] ?? 0) + l.lag;
        }
        // Informational: lag alone does not make a service unready (outreach's watermark check does
        // that where it matters); the SiyuConsumerLag alert watches it.
        return { up: true, lag: byGroup };
      });
    }
    for (const check of this.extra) {
      await run(check.name, async () => {
        const r = await check.check();
        return { ...(r.details ?? {}), up: r.up };
      });
    }
    return result;
  }
}

/** Every service probe of this process (one in a service's own process, five in standalone). */
@Injectable()
export class ReadinessRegistry {
  private readonly probes: ServiceProbe[] = [];
  limits: ReadinessLimits = { outboxMaxAgeSeconds: 60, timeoutMs: 3000 };

  add(probe: ServiceProbe): ServiceProbe {
    this.probes.push(probe);
    return probe;
  }

  async probeAll(): Promise<ProbeResult> {
    const results = await Promise.all(this.probes.map((p) => p.probe(this.limits)));
    return Object.assign({}, ...results);
  }
}

/**
 * The one line a service's root module adds to its providers:
 * `...serviceReadiness({ service: 'outreach', db: OUTREACH_DB, transport, checks: [ConsentWatermarkReadiness] })`.
 * Without ObservabilityModule in the app (a module tested alone) it does nothing.
 */
export function serviceReadiness(o: {
  service: string;
  db: string | symbol;
  transport?: MessageTransport;
  checks?: Type<ReadinessCheck>[];
}): Provider[] {
  const checks = o.checks ?? [];
  return [
    ...checks,
    {
      provide: `SIYU_READINESS:${o.service}`,
      inject: [{ token: ReadinessRegistry, optional: true }, o.db, ...checks],
      useFactory: (registry: ReadinessRegistry | undefined, ds: DataSource, ...extra: ReadinessCheck[]) =>
        registry?.add(new ServiceProbe(o.service, ds, o.transport, extra)) ?? null,
    },
  ];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
