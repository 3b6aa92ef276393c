import { Logger } from '@nestjs/common';
import { recurringJobProvider } from '@siyu/persistence';
import { PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { AuditorCredential } from './auditor-credential';
import { VerifyAuditChainsOnSchedule } from './verify-audit-chains-on-schedule.use-case';

const logger = new Logger('audit-chains');

/**
 * Verifies every chain every AUDIT_CHAIN_VERIFY_INTERVAL_MS (R20). Off when unset or 0 (tests run it
 * directly); off, with a warning, when no machine credential is configured.
 */
export const AuditChainsJob = recurringJobProvider<
  [PrivacyModuleOptions, AuditorCredential, VerifyAuditChainsOnSchedule]
>({
  provide: 'privacy.audit-chains-job',
  inject: [PRIVACY_OPTIONS, AuditorCredential, VerifyAuditChainsOnSchedule],
  schedule: (options, credential, verify) => {
    const everyMs = Number(options.env?.AUDIT_CHAIN_VERIFY_INTERVAL_MS ?? 0);
    if (everyMs > 0 && !credential.configured)
      logger.warn(
        'scheduled audit-chain verification is off: set PRIVACY_AUDITOR_API_KEY to an API key of role auditor (docs/privacy/audit-trail.md)',
      );
    return { everyMs: credential.configured ? everyMs : 0, run: () => verify.execute() };
  },
  onError: (err) =>
    logger.warn(`R20 ALERT: scheduled audit-chain verification failed: ${(err as Error).message}`),
});
