import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONSENT_DB } from '../consent.options';
import type { NoticeLocale, PublishedNotice } from './notice';
import { NoticeRepository } from './notice.repository';
import { NoticeError, NoticeErrorCode } from './notices.errors';

/** The notice customers are shown now in one language; none published is an error, not an empty answer. */
@Injectable()
export class GetCurrentNotice {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly notices: NoticeRepository,
  ) {}

  async execute(brandId: string, locale: NoticeLocale): Promise<PublishedNotice> {
    const notice = await this.notices.findCurrent(this.ds.manager, brandId, locale);
    // 404 rather than a 200 with an empty body, which is not JSON (found by the fuzzer, issue 14).
    if (!notice) throw new NoticeError(NoticeErrorCode.NONE_PUBLISHED, `no notice published in ${locale}`);
    return notice;
  }
}
