import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { RecurringJob } from '@siyu/persistence';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { AnchorLedgerHead } from './anchor-ledger-head.use-case';
import { LedgerAnchorError } from './ledger-anchors.errors';

/**
 * Anchors the brand's ledger head every LEDGER_ANCHOR_INTERVAL_MS. Off when unset or 0 (as in tests,
 * which anchor on demand); `npm start` and docker-compose set it.
 */
@Injectable()
export class LedgerAnchorJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ledger-anchor');
  private readonly job = new RecurringJob(
    () => this.anchor.execute(this.options.brand.id),
    (err) => {
      // LEDGER_EMPTY (no entry yet to anchor) is the only LedgerAnchorError here: not a failure.
      if (!(err instanceof LedgerAnchorError))
        this.logger.warn(`anchor run failed: ${(err as Error).message}`);
    },
  );

  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly anchor: AnchorLedgerHead,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start(Number(this.options.env.LEDGER_ANCHOR_INTERVAL_MS ?? 0));
  }

  // Before the module's own shutdown closes the database.
  beforeApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
