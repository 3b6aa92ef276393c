import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
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
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly anchor: AnchorLedgerHead,
  ) {}

  onApplicationBootstrap(): void {
    const every = Number(this.options.env.LEDGER_ANCHOR_INTERVAL_MS ?? 0);
    if (!Number.isFinite(every) || every <= 0) return;
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.anchor
        .execute(this.options.brand.id)
        .then(() => undefined)
        .catch((err) => {
          if (!(err instanceof LedgerAnchorError))
            this.logger.warn(`anchor run failed: ${(err as Error).message}`);
        })
        .finally(() => (this.inFlight = undefined));
    }, every);
  }

  // Before the module's own shutdown closes the database.
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}
