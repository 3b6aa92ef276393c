import type { Provider } from '@nestjs/common';
import { PrivacyWithdrawAllRequestedV1, TOPICS } from '@siyu/contracts';
import { inboxConsumerProvider, on } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS } from '../consent.options';
import { AnswerWithdrawAll } from './answer-withdraw-all.use-case';

/** Answers privacy.withdraw-all-requested.v1 in its own consumer group. */
export const WithdrawAllRequestsConsumer = inboxConsumerProvider<[AnswerWithdrawAll]>({
  provide: 'consent.withdraw-all-requests',
  group: 'consent.withdraw-all-requests',
  topics: [TOPICS.privacyWithdrawAllRequested],
  produces: [TOPICS.privacyRequestAnswered, TOPICS.consentWithdrawn],
  db: CONSENT_DB,
  options: CONSENT_OPTIONS,
  inject: [AnswerWithdrawAll],
  handlers: (answer) => [on(PrivacyWithdrawAllRequestedV1, (tx, e) => answer.execute(tx, e))],
});

/** Everything the feature needs, added to the consent module's providers in one line. */
export const WITHDRAW_ALL_REQUEST_PROVIDERS: Provider[] = [AnswerWithdrawAll, WithdrawAllRequestsConsumer];
