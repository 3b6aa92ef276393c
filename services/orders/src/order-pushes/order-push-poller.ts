import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ProcessOrderPushes } from './process-order-pushes.use-case';
import { PushSettings } from './push-settings';

/** Runs the push processor every `ORDER_PUSH_POLL_MS` (default 200 ms; 0 = off, e.g. in tests). */
@Injectable()
export class OrderPushPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OrderPushPoller');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly processor: ProcessOrderPushes,
    private readonly settings: PushSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.pollIntervalMs > 0) this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // The data source closes after this: let the running pass finish the push in hand first
    // (the pass asks `stopped` before each push, so it never drains a backlog on the way out).
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.processor
        .processPending(() => this.stopped)
        .then(
          () => undefined,
          (err: unknown) => this.logger.error(`push processing failed: ${(err as Error).name}`),
        )
        .finally(() => this.schedule());
    }, this.settings.pollIntervalMs);
    this.timer.unref();
  }
}
