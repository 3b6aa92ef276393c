import { Logger } from '@nestjs/common';
import { recurringJobProvider } from '@siyu/persistence';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { AnchorLedgerHead } from './anchor-ledger-head.use-case';
import { LedgerAnchorError } from './ledger-anchors.errors';

const logger = new Logger('ledger-anchor');

/**
 * Anchors the brand's ledger head every LEDGER_ANCHOR_INTERVAL_MS. Off when unset or 0 (as in tests,
 * which anchor on demand); `npm start` and docker-compose set it.
 */
export const LedgerAnchorJob = recurringJobProvider<[ConsentModuleOptions, AnchorLedgerHead]>({
  provide: 'consent.ledger-anchor-job',
  inject: [CONSENT_OPTIONS, AnchorLedgerHead],
  schedule: (options, anchor) => ({
    everyMs: Number(options.env.LEDGER_ANCHOR_INTERVAL_MS ?? 0),
    run: () => anchor.execute(options.brand.id),
  }),
  onError: (err) => {
    // LEDGER_EMPTY (no entry yet to anchor) is the only LedgerAnchorError here: not a failure.
    if (!(err instanceof LedgerAnchorError)) logger.warn(`anchor run failed: ${(err as Error).message}`);
  },
});
