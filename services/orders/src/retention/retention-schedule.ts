import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { RecurringJob } from '@siyu/persistence';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { BackfillLookupIndex } from '../vault/backfill-lookup-index.use-case';
import { ApplyRetention } from './apply-retention.use-case';

export const RETENTION_ACTOR = 'system:retention';

/**
 * Runs retention (R17) every RETENTION_INTERVAL_SECONDS (default 3600) and the lookup-index
 * backfill every LOOKUP_BACKFILL_INTERVAL_SECONDS (default 300); 0 turns a job off. The first run
 * comes one interval after start, so short-lived processes (tests, the CLI) never run them.
 */
@Injectable()
export class RetentionSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('orders-jobs');
  private readonly jobs: RecurringJob[] = [];

  constructor(
    @Inject(ORDERS_OPTIONS) private readonly options: Pick<OrdersModuleOptions, 'env'>,
    private readonly applyRetention: ApplyRetention,
    private readonly backfill: BackfillLookupIndex,
  ) {}

  onApplicationBootstrap(): void {
    this.every('RETENTION_INTERVAL_SECONDS', 3600, 'retention', async () => {
      const report = await this.applyRetention.execute(RETENTION_ACTOR);
      const shredded = report.shops.reduce((n, s) => n + s.ordersShredded, 0);
      const deleted = report.shops.reduce((n, s) => n + s.recordsDeleted, 0);
      if (shredded + deleted > 0)
        this.logger.log(`retention: ${shredded} orders shredded, ${deleted} records deleted`);
    });
    this.every('LOOKUP_BACKFILL_INTERVAL_SECONDS', 300, 'lookup backfill', () => this.backfill.execute());
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.jobs.map((j) => j.stop()));
  }

  private every(variable: string, fallback: number, label: string, job: () => Promise<unknown>): void {
    const raw = this.options.env[variable]?.trim();
    const seconds = raw ? Number(raw) : fallback;
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`${variable} must be a number of seconds`);
    const recurring = new RecurringJob(job, (err) =>
      // The message only: job errors never carry personal data by construction.
      this.logger.error(`${label} failed: ${(err as Error)?.message}`),
    );
    recurring.start(seconds * 1000);
    this.jobs.push(recurring);
  }
}
