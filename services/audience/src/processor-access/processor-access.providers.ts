import type { Provider } from '@nestjs/common';
import { AudienceProcessorGrantLedger } from './audience-processor-grant-ledger';
import { ProcessorAccessRepository } from './processor-access.repository';
import { ProcessorGrantEndingsConsumer } from './processor-grants.consumer';
import { ReadSegmentMembersForProcessor } from './read-segment-members-for-processor.query';

/** Added to the audience module's providers in one line (R15). */
export const PROCESSOR_ACCESS_PROVIDERS: Provider[] = [
  { provide: ProcessorAccessRepository, useValue: new ProcessorAccessRepository() },
  AudienceProcessorGrantLedger,
  ReadSegmentMembersForProcessor,
  ProcessorGrantEndingsConsumer,
];
