import { Module } from '@nestjs/common';
import { PlatformAgreementRepository } from '../agreements/platform-agreement.repository';
import { ReleaseFactsConsumer } from './release-facts.consumer';
import { ReleaseFacts } from './release-facts.use-case';
import { ReleaseRepository } from './release.repository';
import { ReleasedFactsOutbox } from './released-facts-outbox';

/**
 * Consent-gated release of non-identifying purchase facts (and their revoke), driven by consent
 * events in its own consumer group. It reads what each shop's platform agreement allows (R8), so it
 * holds that repository; agreements import this module.
 */
@Module({
  providers: [
    ReleaseRepository,
    PlatformAgreementRepository,
    ReleasedFactsOutbox,
    ReleaseFacts,
    ReleaseFactsConsumer,
  ],
  exports: [ReleaseRepository, PlatformAgreementRepository, ReleasedFactsOutbox],
})
export class ReleaseModule {}
