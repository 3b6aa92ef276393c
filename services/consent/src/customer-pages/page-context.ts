import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import type { NoticeLocale, PublishedNotice } from '../notices/notice';
import { NoticeRepository } from '../notices/notice.repository';
import type { PageContext } from './consent-pages';
import { customerPageContext } from './customer-page';
import { DEFAULT_PAGE_LOCALE } from './page-locale';

/**
 * What every customer page (/q, /u, /p) reads before it renders: its language among the brand's
 * published notices, and the notice in that language. Controllers ask this instead of holding the
 * DataSource themselves; the reads are outside any write transaction.
 */
@Injectable()
export class CustomerPageContext {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly notices: NoticeRepository,
  ) {}

  /** The page's language; `switchHref` offers the page in the other locales (GET pages only). */
  of(req: Request, switchHref?: (locale: NoticeLocale) => string): Promise<PageContext> {
    return customerPageContext(this.notices, this.ds.manager, this.options.brand.id, req, switchHref);
  }

  /** The brand's current notice in this locale, else in zh-CN; null while it has none. */
  async currentNotice(locale: NoticeLocale = DEFAULT_PAGE_LOCALE): Promise<PublishedNotice | null> {
    const brandId = this.options.brand.id;
    return (
      (await this.notices.findCurrent(this.ds.manager, brandId, locale)) ??
      (locale === DEFAULT_PAGE_LOCALE
        ? null
        : await this.notices.findCurrent(this.ds.manager, brandId, DEFAULT_PAGE_LOCALE))
    );
  }

  /** The brand's current notice in exactly this locale (no fallback), or null. */
  noticeIn(locale: NoticeLocale): Promise<PublishedNotice | null> {
    return this.notices.findCurrent(this.ds.manager, this.options.brand.id, locale);
  }

  /** A notice this brand published, by its content hash. */
  noticeByHash(contentHash: string): Promise<PublishedNotice | null> {
    return this.notices.findByHash(this.ds.manager, this.options.brand.id, contentHash);
  }

  /** The brand name a page shows: the notice's, else the configured one. */
  async brandName(locale: NoticeLocale): Promise<string> {
    return (await this.noticeIn(locale))?.content.brandName ?? this.options.brand.name;
  }
}
