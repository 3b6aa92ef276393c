import { Logger } from '@nestjs/common';
import { recurringJobProvider } from '@siyu/persistence';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { PurgeExpiredProof } from './purge-expired-proof.use-case';

const logger = new Logger('proof-retention');

/**
 * Runs the proof-retention purge every CONSENT_PROOF_PURGE_INTERVAL_MS. Off when unset or 0 (as in
 * tests, which call it with their own `now`); `npm start` and docker-compose run it daily.
 */
export const ProofRetentionJob = recurringJobProvider<[ConsentModuleOptions, PurgeExpiredProof]>({
  provide: 'consent.proof-retention-job',
  inject: [CONSENT_OPTIONS, PurgeExpiredProof],
  schedule: (options, purge) => ({
    everyMs: Number(options.env.CONSENT_PROOF_PURGE_INTERVAL_MS ?? 0),
    run: () => purge.execute(),
  }),
  onError: (err) => logger.warn(`purge run failed: ${(err as Error).message}`),
});
