import { Module } from '@nestjs/common';
import { SandboxSmsModule } from '../sandbox-sms/sandbox-sms.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { REQUESTER_VERIFICATION_PROVIDERS } from './requester-verification.consumer';

/** Texts the one-time code of a customer's privacy request to the contact point on record (R14, ADR 0009). */
@Module({
  imports: [SubjectsModule, SandboxSmsModule],
  providers: REQUESTER_VERIFICATION_PROVIDERS,
})
export class RequesterVerificationModule {}
