import type { Provider } from '@nestjs/common';
import {
  PrivacyAccessRequestedV1,
  PrivacyErasureRequestedV1,
  PrivacyIndividualsCountRequestedV1,
  TOPICS,
} from '@siyu/contracts';
import { inboxConsumerProvider, on } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS } from '../consent.options';
import { AnswerSubjectRequest } from './answer-subject-request.use-case';
import { CountConsentIndividuals } from './count-individuals.use-case';
import { SubjectRequestRepository } from './subject-request.repository';

/** Answers privacy.access-requested.v1 / privacy.erasure-requested.v1 in its own consumer group. */
export const DataSubjectRequestsConsumer = inboxConsumerProvider<
  [AnswerSubjectRequest, CountConsentIndividuals]
>({
  provide: 'consent.data-subject-requests',
  group: 'consent.data-subject-requests',
  topics: [
    TOPICS.privacyAccessRequested,
    TOPICS.privacyErasureRequested,
    TOPICS.privacyIndividualsCountRequested,
  ],
  produces: [TOPICS.privacyRequestAnswered, TOPICS.privacyIndividualsCounted, TOPICS.consentWithdrawn],
  db: CONSENT_DB,
  options: CONSENT_OPTIONS,
  inject: [AnswerSubjectRequest, CountConsentIndividuals],
  handlers: (answer, count) => [
    on(PrivacyAccessRequestedV1, (tx, e) => answer.answerAccess(tx, e)),
    on(PrivacyErasureRequestedV1, (tx, e) => answer.answerErasure(tx, e)),
    on(PrivacyIndividualsCountRequestedV1, (tx, e) => count.answer(tx, e)), // R19
  ],
});

/** Everything the feature needs, added to the consent module's providers in one line. */
export const DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  SubjectRequestRepository,
  AnswerSubjectRequest,
  CountConsentIndividuals,
  DataSubjectRequestsConsumer,
];
