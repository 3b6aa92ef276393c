import type { Provider } from '@nestjs/common';
import { PrivacyAccessRequestedV1, PrivacyErasureRequestedV1, TOPICS } from '@siyu/contracts';
import { inboxConsumerProvider, on } from '@siyu/messaging';
import { AUDIENCE_DB, AUDIENCE_OPTIONS } from '../audience.options';
import { AnswerAudienceSubjectRequest } from './answer-subject-request.use-case';
import { SubjectMarketingDataRepository } from './subject-marketing-data.repository';

/** Answers privacy.access-requested.v1 / privacy.erasure-requested.v1 in its own consumer group. */
export const AudienceDataSubjectRequestsConsumer = inboxConsumerProvider<[AnswerAudienceSubjectRequest]>({
  provide: 'audience.data-subject-requests',
  group: 'audience.data-subject-requests',
  topics: [TOPICS.privacyAccessRequested, TOPICS.privacyErasureRequested],
  produces: [TOPICS.privacyRequestAnswered],
  db: AUDIENCE_DB,
  options: AUDIENCE_OPTIONS,
  inject: [AnswerAudienceSubjectRequest],
  handlers: (answer) => [
    on(PrivacyAccessRequestedV1, (tx, e) => answer.answerAccess(tx, e)),
    on(PrivacyErasureRequestedV1, (tx, e) => answer.answerErasure(tx, e)),
  ],
});

/** Everything the feature needs, added to the audience module's providers in one line. */
export const AUDIENCE_DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  { provide: SubjectMarketingDataRepository, useValue: new SubjectMarketingDataRepository() },
  AnswerAudienceSubjectRequest,
  AudienceDataSubjectRequestsConsumer,
];
