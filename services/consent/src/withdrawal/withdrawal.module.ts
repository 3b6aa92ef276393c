import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { CustomerPagesModule } from '../customer-pages/customer-pages.module';
import { RecordSmsReply } from './record-sms-reply.use-case';
import { SmsInboundRepository } from './sms-inbound.repository';
import { SmsReplyController } from './sms-reply.controller';
import { UnsubscribeController } from './unsubscribe.controller';
import { WithdrawConsent } from './withdraw-consent.use-case';

/** "No" from every channel (R9): signed unsubscribe links, SMS replies; WithdrawConsent.withdrawIn for the rest. */
@Module({
  imports: [LedgerModule, SubjectsModule, CustomerPagesModule],
  controllers: [UnsubscribeController, SmsReplyController],
  providers: [SmsInboundRepository, WithdrawConsent, RecordSmsReply],
  exports: [WithdrawConsent, RecordSmsReply],
})
export class WithdrawalModule {}
