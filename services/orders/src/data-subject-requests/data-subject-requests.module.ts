import { Module } from '@nestjs/common';
import { ReleaseModule } from '../release/release.module';
import { RetentionModule } from '../retention/retention.module';
import { DATA_SUBJECT_REQUEST_PROVIDERS } from './data-subject-requests.consumer';

/** Answers the privacy service's access and erasure requests in orders' own words (R14). */
@Module({
  imports: [ReleaseModule, RetentionModule],
  providers: DATA_SUBJECT_REQUEST_PROVIDERS,
})
export class DataSubjectRequestsModule {}
