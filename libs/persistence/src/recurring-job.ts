import type { InjectionToken, Provider } from '@nestjs/common';

/**
 * A maintenance job run every `everyMs` (expiry, purges, anchors, retention): never two runs at
 * once, a failed run reported and retried at the next tick, and `stop()` waits for the run in flight
 * so the caller can close the database after it. Off for 0 or an unset interval.
 */
export class RecurringJob {
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(everyMs: number): void {
    if (!Number.isFinite(everyMs) || everyMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.run()
        .then(() => undefined, this.onError)
        .finally(() => (this.inFlight = undefined));
    }, everyMs);
    // A job never keeps the process alive on its own.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }
}

/** What a feature says about one of its recurring jobs; the rest is wiring `recurringJobProvider` does. */
export interface RecurringJobDefinition<Deps extends unknown[]> {
  /** The provider token, e.g. 'consent.expiry-job'. */
  provide: string;
  /** The collaborators `schedule` reads, injected in this order (options first, by habit). */
  inject: InjectionToken[];
  /** The interval (0 or less: off) and the run, from the injected collaborators. */
  schedule: (...deps: Deps) => { everyMs: number; run: () => Promise<unknown> };
  /** Reports a failed run; return nothing. Job errors carry no personal data by construction. */
  onError: (err: unknown) => void;
}

/**
 * A recurring job for the application's lifetime, declared as a Nest provider (like the inbox
 * consumers of libs/messaging): started at bootstrap, and stopped — waiting for the run in flight —
 * before the application's shutdown closes the database. Nest finds the hooks by name.
 */
export function recurringJobProvider<Deps extends unknown[]>(def: RecurringJobDefinition<Deps>): Provider {
  return {
    provide: def.provide,
    inject: def.inject,
    useFactory: (...deps: unknown[]) => {
      const { everyMs, run } = def.schedule(...(deps as Deps));
      const job = new RecurringJob(run, def.onError);
      return {
        onApplicationBootstrap: () => job.start(everyMs),
        beforeApplicationShutdown: () => job.stop(),
      };
    },
  };
}
