import type { Provider } from '@nestjs/common';
import { PrivacyIndividualsCountRequestedV1, TOPICS } from '@siyu/contracts';
import { subjectRequestsConsumerProvider } from '@siyu/data-subject-requests';
import { on } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS } from '../consent.options';
import { ConsentSubjectData } from './consent-subject-data.port';
import { CountConsentIndividuals } from './count-individuals.use-case';
import { SubjectRequestRepository } from './subject-request.repository';

/** Answers privacy.access-requested.v1 / privacy.erasure-requested.v1 in its own consumer group. */
export const DataSubjectRequestsConsumer = subjectRequestsConsumerProvider<[CountConsentIndividuals]>({
  group: 'consent.data-subject-requests',
  db: CONSENT_DB,
  options: CONSENT_OPTIONS,
  port: ConsentSubjectData,
  produces: [TOPICS.consentWithdrawn],
  also: {
    topics: [TOPICS.privacyIndividualsCountRequested],
    produces: [TOPICS.privacyIndividualsCounted],
    inject: [CountConsentIndividuals],
    handlers: (count) => [on(PrivacyIndividualsCountRequestedV1, (tx, e) => count.answer(tx, e))], // R19
  },
});

/** Everything the feature needs, added to the consent module's providers in one line. */
export const DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  SubjectRequestRepository,
  ConsentSubjectData,
  CountConsentIndividuals,
  DataSubjectRequestsConsumer,
];
