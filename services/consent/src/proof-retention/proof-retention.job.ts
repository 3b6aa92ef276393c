import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { RecurringJob } from '@siyu/persistence';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { PurgeExpiredProof } from './purge-expired-proof.use-case';

/**
 * Runs the proof-retention purge every CONSENT_PROOF_PURGE_INTERVAL_MS. Off when unset or 0 (as in
 * tests, which call it with their own `now`); `npm start` and docker-compose run it daily.
 */
@Injectable()
export class ProofRetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('proof-retention');
  private readonly job = new RecurringJob(
    () => this.purge.execute(),
    (err) => this.logger.warn(`purge run failed: ${(err as Error).message}`),
  );

  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly purge: PurgeExpiredProof,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start(Number(this.options.env.CONSENT_PROOF_PURGE_INTERVAL_MS ?? 0));
  }

  // Before the module's own shutdown closes the database.
  beforeApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
