import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { PurgeExpiredProof } from './purge-expired-proof.use-case';

/**
 * Runs the proof-retention purge every CONSENT_PROOF_PURGE_INTERVAL_MS. Off when unset or 0 (as in
 * tests, which call it with their own `now`); `npm start` and docker-compose run it daily.
 */
@Injectable()
export class ProofRetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('proof-retention');
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly purge: PurgeExpiredProof,
  ) {}

  onApplicationBootstrap(): void {
    const every = Number(this.options.env.CONSENT_PROOF_PURGE_INTERVAL_MS ?? 0);
    if (!Number.isFinite(every) || every <= 0) return;
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.purge
        .execute()
        .then(() => undefined)
        .catch((err) => this.logger.warn(`purge run failed: ${(err as Error).message}`))
        .finally(() => (this.inFlight = undefined));
    }, every);
  }

  // Before the module's own shutdown closes the database.
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}
