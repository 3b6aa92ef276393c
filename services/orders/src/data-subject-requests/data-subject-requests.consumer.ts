import type { Provider } from '@nestjs/common';
import {
  PrivacyAccessRequestedV1,
  PrivacyErasureRequestedV1,
  PrivacyIndividualsCountRequestedV1,
  TOPICS,
} from '@siyu/contracts';
import { inboxConsumerProvider, on } from '@siyu/messaging';
import { ORDERS_DB, ORDERS_OPTIONS } from '../orders.options';
import { AnswerSubjectRequest } from './answer-subject-request.use-case';
import { CountOrdersIndividuals } from './count-individuals.use-case';
import { SubjectOrdersRepository } from './subject-orders.repository';

/** Answers privacy.access-requested.v1 / privacy.erasure-requested.v1 in its own consumer group. */
export const DataSubjectRequestsConsumer = inboxConsumerProvider<
  [AnswerSubjectRequest, CountOrdersIndividuals]
>({
  provide: 'orders.data-subject-requests',
  group: 'orders.data-subject-requests',
  topics: [
    TOPICS.privacyAccessRequested,
    TOPICS.privacyErasureRequested,
    TOPICS.privacyIndividualsCountRequested,
  ],
  produces: [TOPICS.privacyRequestAnswered, TOPICS.privacyIndividualsCounted, TOPICS.ordersFactsRevoked],
  db: ORDERS_DB,
  options: ORDERS_OPTIONS,
  inject: [AnswerSubjectRequest, CountOrdersIndividuals],
  handlers: (answer, count) => [
    on(PrivacyAccessRequestedV1, (tx, e) => answer.answerAccess(tx, e)),
    on(PrivacyErasureRequestedV1, (tx, e) => answer.answerErasure(tx, e)),
    on(PrivacyIndividualsCountRequestedV1, (tx, e) => count.answer(tx, e)), // R19
  ],
});

/** Everything the feature needs, added to the orders module's providers in one line. */
export const DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  SubjectOrdersRepository,
  AnswerSubjectRequest,
  CountOrdersIndividuals,
  DataSubjectRequestsConsumer,
];
