import type { Provider } from '@nestjs/common';
import { subjectRequestsConsumerProvider } from '@siyu/data-subject-requests';
import { AUDIENCE_DB, AUDIENCE_OPTIONS } from '../audience.options';
import { AudienceSubjectData } from './audience-subject-data.port';
import { SubjectMarketingDataRepository } from './subject-marketing-data.repository';

/** Answers privacy.access-requested.v1 / privacy.erasure-requested.v1 in its own consumer group. */
export const AudienceDataSubjectRequestsConsumer = subjectRequestsConsumerProvider({
  group: 'audience.data-subject-requests',
  db: AUDIENCE_DB,
  options: AUDIENCE_OPTIONS,
  port: AudienceSubjectData,
});

/** Everything the feature needs, added to the audience module's providers in one line. */
export const AUDIENCE_DATA_SUBJECT_REQUEST_PROVIDERS: Provider[] = [
  { provide: SubjectMarketingDataRepository, useValue: new SubjectMarketingDataRepository() },
  AudienceSubjectData,
  AudienceDataSubjectRequestsConsumer,
];
