import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TagCategory } from '@siyu/contracts';
import { CONSENT_DB } from '../consent.options';
import { LedgerRepository, type ConsentState } from '../ledger/ledger.repository';
import type { NoticeLocale, PublishedNotice } from '../notices/notice';
import { NoticeRepository } from '../notices/notice.repository';
import type { PreferenceScope } from './preference-link';
import { TagCategoryChoicesRepository } from './tag-category-choices.repository';

export interface PreferenceCentre {
  state: ConsentState[];
  /** The brand's current notice in the page's language: what the page offers to keep. */
  notice: PublishedNotice | null;
  closedCategories: TagCategory[];
}

/** What the preference centre shows one subject (R11, R12): read outside any write transaction. */
@Injectable()
export class GetPreferenceCentre {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly notices: NoticeRepository,
    private readonly tagChoices: TagCategoryChoicesRepository,
  ) {}

  async execute(scope: PreferenceScope, locale: NoticeLocale): Promise<PreferenceCentre> {
    const tx = this.ds.manager;
    return {
      state: await this.ledger.stateOf(tx, scope.subjectRef, undefined, scope.brandId),
      notice: await this.notices.findCurrent(tx, scope.brandId, locale),
      closedCategories: await this.tagChoices.closedOf(tx, scope.brandId, scope.subjectRef),
    };
  }
}
