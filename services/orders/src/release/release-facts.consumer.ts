import { ConsentGrantedV1, ConsentWithdrawnV1, OrdersIngestedV1, TOPICS } from '@siyu/contracts';
import { inboxConsumerProvider, on } from '@siyu/messaging';
import { ORDERS_DB, ORDERS_OPTIONS } from '../orders.options';
import { ReleaseFacts } from './release-facts.use-case';

/**
 * Consent grants and withdrawals, and orders' own ingests, in the consumer group `orders.release`
 * (the name it had as ServiceMessaging's consumer `release`, so its inbox rows and offsets carry on).
 */
export const ReleaseFactsConsumer = inboxConsumerProvider<[ReleaseFacts]>({
  provide: 'orders.release',
  group: 'orders.release',
  topics: [TOPICS.consentGranted, TOPICS.consentWithdrawn, TOPICS.ordersIngested],
  produces: [TOPICS.ordersFactsReleased, TOPICS.ordersFactsRevoked],
  db: ORDERS_DB,
  options: ORDERS_OPTIONS,
  inject: [ReleaseFacts],
  handlers: (release) => [
    on(ConsentGrantedV1, (tx, e) => release.granted(tx, e)),
    on(ConsentWithdrawnV1, (tx, e) => release.withdrawn(tx, e)),
    on(OrdersIngestedV1, (tx, e) => release.ingested(tx, e)),
  ],
});
