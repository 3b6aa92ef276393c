import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ExpireConsents } from './expire-consents.use-case';

/**
 * Runs ExpireConsents every CONSENT_EXPIRY_INTERVAL_MS. Off when unset or 0 (as in tests, which
 * call expireDue() themselves).
 */
@Injectable()
export class ConsentExpiryJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('consent-expiry');
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly expire: ExpireConsents,
  ) {}

  onApplicationBootstrap(): void {
    const every = Number(this.options.env.CONSENT_EXPIRY_INTERVAL_MS ?? 0);
    if (!Number.isFinite(every) || every <= 0) return;
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.expire
        .expireDue()
        .then(() => undefined)
        .catch((err) => this.logger.warn(`expiry run failed: ${(err as Error).message}`))
        .finally(() => (this.inFlight = undefined));
    }, every);
  }

  // Before the module's own shutdown closes the database.
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}
