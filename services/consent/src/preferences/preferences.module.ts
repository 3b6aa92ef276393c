import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { NoticesModule } from '../notices/notices.module';
import { CustomerPagesModule } from '../customer-pages/customer-pages.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { WithdrawalModule } from '../withdrawal/withdrawal.module';
import { ChangePreferences } from './change-preferences.use-case';
import { ChangeTagCategories } from './change-tag-categories.use-case';
import { GetPreferenceCentre } from './get-preference-centre.query';
import { IssuePreferenceLink } from './issue-preference-link.query';
import { PreferenceLinkController } from './preference-link.controller';
import { PreferencesController } from './preferences.controller';
import { TagCategoryChoicesRepository } from './tag-category-choices.repository';

/** The preference centre (R11, R12): narrow or withdraw, never widen. */
@Module({
  imports: [LedgerModule, NoticesModule, CustomerPagesModule, SubjectsModule, WithdrawalModule],
  controllers: [PreferencesController, PreferenceLinkController],
  providers: [
    ChangePreferences,
    ChangeTagCategories,
    TagCategoryChoicesRepository,
    GetPreferenceCentre,
    IssuePreferenceLink,
  ],
})
export class PreferencesModule {}
