import type { Provider } from '@nestjs/common';
import { subjectRequestsConsumerProvider } from '@siyu/data-subject-requests';
import { OUTREACH_DB, OUTREACH_OPTIONS } from '../outreach.options';
import { OutreachSubjectData } from './outreach-subject-data.port';
import { SubjectOutreachDataRepository } from './subject-outreach-data.repository';

/** Answers privacy access, erasure and correction requests in its own consumer group. */
export const OutreachDataSubjectRequestsConsumer = subjectRequestsConsumerProvider({
  group: 'outreach.data-subject-requests',
  db: OUTREACH_DB,
  options: OUTREACH_OPTIONS,
  port: OutreachSubjectData,
});

/** Everything the feature needs, added to the outreach module's providers in one line. */
export const OUTREACH_DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  { provide: SubjectOutreachDataRepository, useValue: new SubjectOutreachDataRepository() },
  OutreachSubjectData,
  OutreachDataSubjectRequestsConsumer,
];
