import type { Provider } from '@nestjs/common';
import {
  PrivacyAccessRequestedV1,
  PrivacyCorrectionRequestedV1,
  PrivacyErasureRequestedV1,
  TOPICS,
} from '@siyu/contracts';
import { inboxConsumerProvider, on } from '@siyu/messaging';
import { OUTREACH_DB, OUTREACH_OPTIONS } from '../outreach.options';
import { AnswerOutreachSubjectRequest } from './answer-subject-request.use-case';
import { SubjectOutreachDataRepository } from './subject-outreach-data.repository';

/** Answers privacy access, erasure and correction requests in its own consumer group. */
export const OutreachDataSubjectRequestsConsumer = inboxConsumerProvider<[AnswerOutreachSubjectRequest]>({
  provide: 'outreach.data-subject-requests',
  group: 'outreach.data-subject-requests',
  topics: [TOPICS.privacyAccessRequested, TOPICS.privacyErasureRequested, TOPICS.privacyCorrectionRequested],
  produces: [TOPICS.privacyRequestAnswered],
  db: OUTREACH_DB,
  options: OUTREACH_OPTIONS,
  inject: [AnswerOutreachSubjectRequest],
  handlers: (answer) => [
    on(PrivacyAccessRequestedV1, (tx, e) => answer.answerAccess(tx, e)),
    on(PrivacyErasureRequestedV1, (tx, e) => answer.answerErasure(tx, e)),
    on(PrivacyCorrectionRequestedV1, (tx, e) => answer.answerCorrection(tx, e)),
  ],
});

/** Everything the feature needs, added to the outreach module's providers in one line. */
export const OUTREACH_DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  { provide: SubjectOutreachDataRepository, useValue: new SubjectOutreachDataRepository() },
  AnswerOutreachSubjectRequest,
  OutreachDataSubjectRequestsConsumer,
];
