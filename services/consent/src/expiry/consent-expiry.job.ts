import { Logger } from '@nestjs/common';
import { recurringJobProvider } from '@siyu/persistence';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ExpireConsents } from './expire-consents.use-case';

const logger = new Logger('consent-expiry');

/**
 * Runs ExpireConsents every CONSENT_EXPIRY_INTERVAL_MS. Off when unset or 0 (as in tests, which
 * call expireDue() themselves).
 */
export const ConsentExpiryJob = recurringJobProvider<[ConsentModuleOptions, ExpireConsents]>({
  provide: 'consent.expiry-job',
  inject: [CONSENT_OPTIONS, ExpireConsents],
  schedule: (options, expire) => ({
    everyMs: Number(options.env.CONSENT_EXPIRY_INTERVAL_MS ?? 0),
    run: () => expire.expireDue(),
  }),
  onError: (err) => logger.warn(`expiry run failed: ${(err as Error).message}`),
});
