import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONSENT_DB } from '../consent.options';
import { missingNoticeElements, type NoticeContent, type PublishedNotice } from './notice';
import { NoticeRepository } from './notice.repository';
import { NoticeError, NoticeErrorCode } from './notices.errors';

@Injectable()
export class PublishNotice {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly notices: NoticeRepository,
  ) {}

  /** R5: a notice that misses an element is refused, naming each missing element. */
  async execute(brandId: string, locale: string, content: NoticeContent): Promise<PublishedNotice> {
    const missing = missingNoticeElements(content);
    if (missing.length > 0) {
      throw new NoticeError(NoticeErrorCode.INCOMPLETE, `notice lacks: ${missing.join(', ')}`, { missing });
    }
    return this.ds.transaction(async (tx) => {
      const current = await this.notices.findCurrent(tx, brandId);
      const next = await this.notices.insertNextVersion(tx, brandId, locale, content);
      if (current?.contentHash === next.contentHash) {
        throw new NoticeError(NoticeErrorCode.DUPLICATE, `identical to version ${current.version}`);
      }
      return next;
    });
  }
}
