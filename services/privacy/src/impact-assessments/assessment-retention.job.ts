import { Logger } from '@nestjs/common';
import { recurringJobProvider } from '@siyu/persistence';
import { PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { DeleteExpiredAssessments } from './delete-expired-assessments.use-case';

const logger = new Logger('impact-assessments');

/** Deletes assessments past their three years every PIPIA_RETENTION_INTERVAL_MS (off when unset or 0). */
export const AssessmentRetentionJob = recurringJobProvider<[PrivacyModuleOptions, DeleteExpiredAssessments]>({
  provide: 'privacy.assessment-retention-job',
  inject: [PRIVACY_OPTIONS, DeleteExpiredAssessments],
  schedule: (options, retention) => ({
    everyMs: Number(options.env?.PIPIA_RETENTION_INTERVAL_MS ?? 0),
    run: () => retention.execute(),
  }),
  onError: (err) => logger.warn(`impact-assessment retention run failed: ${(err as Error).message}`),
});
