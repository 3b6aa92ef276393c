import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { WechatModule } from '../wechat/wechat.module';
import { AgreeToConsent } from './agree-to-consent.use-case';
import { ContactProofs } from './contact-proof';
import { WecomBindingRepository } from '../wecom-door/wecom-binding.repository';

/** The grant funnel every door ends in: a contact proof and one agree step. */
@Module({
  imports: [LedgerModule, SubjectsModule, WechatModule],
  // The WeCom bindings live here: the WeCom door imports this module, not the other way round.
  providers: [ContactProofs, AgreeToConsent, WecomBindingRepository],
  exports: [ContactProofs, AgreeToConsent, WecomBindingRepository],
})
export class GrantsModule {}
