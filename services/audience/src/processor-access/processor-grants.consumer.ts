import { PrivacyProcessorGrantEndedV1, TOPICS } from '@siyu/contracts';
import { inboxConsumerProvider, on } from '@siyu/messaging';
import { AUDIENCE_DB, AUDIENCE_OPTIONS } from '../audience.options';
import { ProcessorAccessRepository } from './processor-access.repository';

/** R15: an ended grant is recorded in audience's inbox transaction; the guard refuses it from then on. */
export const ProcessorGrantEndingsConsumer = inboxConsumerProvider<[ProcessorAccessRepository]>({
  provide: 'audience.processor-grants',
  group: 'audience.processor-grants',
  topics: [TOPICS.privacyProcessorGrantEnded],
  db: AUDIENCE_DB,
  options: AUDIENCE_OPTIONS,
  inject: [ProcessorAccessRepository],
  handlers: (access) => [
    on(PrivacyProcessorGrantEndedV1, (tx, e) => access.recordEnding(tx, e.grantId, new Date(e.endedAt))),
  ],
});
