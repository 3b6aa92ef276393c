import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONSENT_DB } from '../consent.options';
import type { PublishedNotice } from './notice';
import { NoticeRepository } from './notice.repository';

/** Every published version of the brand's notices: zh-CN first, newest version first. */
@Injectable()
export class ListNoticeVersions {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly notices: NoticeRepository,
  ) {}

  execute(brandId: string): Promise<PublishedNotice[]> {
    return this.notices.listVersions(this.ds.manager, brandId);
  }
}
