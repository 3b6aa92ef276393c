import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONSENT_DB } from '../consent.options';
import { missingNoticeElements, type NoticeContent, type NoticeLocale, type PublishedNotice } from './notice';
import { NoticeRepository, noticeHash } from './notice.repository';
import { NoticeError, NoticeErrorCode } from './notices.errors';

@Injectable()
export class PublishNotice {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly notices: NoticeRepository,
  ) {}

  /**
   * R5: a notice that misses an element is refused, naming each missing element. A published
   * version is never edited (trigger); a change is a new version, and old grants keep their hash.
   */
  async execute(brandId: string, locale: NoticeLocale, given: NoticeContent): Promise<PublishedNotice> {
    // Plain data only (DTO instances would not hash canonically), and exactly what is stored.
    const content = JSON.parse(JSON.stringify(given)) as NoticeContent;
    const missing = missingNoticeElements(content);
    if (missing.length > 0) {
      throw new NoticeError(NoticeErrorCode.INCOMPLETE, `notice lacks: ${missing.join(', ')}`, { missing });
    }
    return this.ds.transaction(async (tx) => {
      const same = await this.notices.findByHash(tx, brandId, noticeHash(content));
      if (same) {
        throw new NoticeError(
          NoticeErrorCode.DUPLICATE,
          `identical to ${same.locale} version ${same.version}`,
        );
      }
      return this.notices.insertNextVersion(tx, brandId, locale, content);
    });
  }
}
