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
