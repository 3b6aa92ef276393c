import type { Provider } from '@nestjs/common';
import { PrivacyIndividualsCountRequestedV1, TOPICS } from '@siyu/contracts';
import { subjectRequestsConsumerProvider } from '@siyu/data-subject-requests';
import { on } from '@siyu/messaging';
import { ORDERS_DB, ORDERS_OPTIONS } from '../orders.options';
import { CountOrdersIndividuals } from './count-individuals.use-case';
import { OrdersSubjectData } from './orders-subject-data.port';
import { SubjectOrdersRepository } from './subject-orders.repository';

/** Answers privacy.access-requested.v1 / privacy.erasure-requested.v1 in its own consumer group. */
export const DataSubjectRequestsConsumer = subjectRequestsConsumerProvider<[CountOrdersIndividuals]>({
  group: 'orders.data-subject-requests',
  db: ORDERS_DB,
  options: ORDERS_OPTIONS,
  port: OrdersSubjectData,
  produces: [TOPICS.ordersFactsRevoked],
  also: {
    topics: [TOPICS.privacyIndividualsCountRequested],
    produces: [TOPICS.privacyIndividualsCounted],
    inject: [CountOrdersIndividuals],
    handlers: (count) => [on(PrivacyIndividualsCountRequestedV1, (tx, e) => count.answer(tx, e))], // R19
  },
});

/** Everything the feature needs, added to the orders module's providers in one line. */
export const DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  SubjectOrdersRepository,
  OrdersSubjectData,
  CountOrdersIndividuals,
  DataSubjectRequestsConsumer,
];
