import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { WechatModule } from '../wechat/wechat.module';
import { AgreeToConsent } from './agree-to-consent.use-case';
import { ContactProofs } from './contact-proof';

/** The grant funnel every door ends in: a contact proof and one agree step. */
@Module({
  imports: [LedgerModule, SubjectsModule, WechatModule],
  providers: [ContactProofs, AgreeToConsent],
  exports: [ContactProofs, AgreeToConsent],
})
export class GrantsModule {}
