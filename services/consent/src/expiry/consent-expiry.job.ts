import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { RecurringJob } from '@siyu/persistence';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ExpireConsents } from './expire-consents.use-case';

/**
 * Runs ExpireConsents every CONSENT_EXPIRY_INTERVAL_MS. Off when unset or 0 (as in tests, which
 * call expireDue() themselves).
 */
@Injectable()
export class ConsentExpiryJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('consent-expiry');
  private readonly job = new RecurringJob(
    () => this.expire.expireDue(),
    (err) => this.logger.warn(`expiry run failed: ${(err as Error).message}`),
  );

  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly expire: ExpireConsents,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start(Number(this.options.env.CONSENT_EXPIRY_INTERVAL_MS ?? 0));
  }

  // Before the module's own shutdown closes the database.
  beforeApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
