import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import type { NoticeLocale, PublishedNotice } from '../notices/notice';
import { NoticeRepository } from '../notices/notice.repository';
import { signPreferenceLink } from '../preferences/preference-link';
import { alreadyJoinedPage, donePage, type PageContext } from '../customer-pages/consent-pages';
import {
  currentNotice,
  customerPageContext,
  langQuery,
  noticeToShowAgain,
} from '../customer-pages/customer-page';
import type { CardAgreeForm, GrantOutcome } from './grant-consent-by-card.use-case';
import type { QrConsentError } from './qr-consent.errors';
import { readShownNotice, type ShownNotice } from './shown-notice';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** What the card's steps share, whichever way the contact is proven (code or WeChat). */
@Injectable()
export class CardPages {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly notices: NoticeRepository,
  ) {}

  context(req: Request, switchHref?: (l: NoticeLocale) => string): Promise<PageContext> {
    return customerPageContext(this.notices, this.ds.manager, this.options.brand.id, req, switchHref);
  }

  notice(ctx: PageContext): Promise<PublishedNotice> {
    return currentNotice(this.notices, this.ds.manager, this.options.brand.id, ctx.locale);
  }

  /** The notice an agree step shows again after a refused submission. */
  noticeAgain(ctx: PageContext, err: QrConsentError, shown?: ShownNotice): Promise<PublishedNotice> {
    return noticeToShowAgain(this.notices, this.ds.manager, this.options.brand.id, ctx, err, shown);
  }

  /** The agree form as submitted: the notice it showed must be bound to this step's nonce (R5). */
  agreeForm(
    step: 'qr-agree' | 'qr-wechat-agree',
    token: string,
    body: Record<string, unknown>,
    req: Request,
  ): CardAgreeForm {
    return {
      token,
      agree: body?.agree === 'yes',
      shownNotice: readShownNotice(this.keys.invitations, step, token, body),
      purposes: list(body?.purposes),
      channels: list(body?.channels),
      ip: req.ip ?? '',
      userAgent: String(req.headers['user-agent'] ?? ''),
    };
  }

  /** The page after agreeing: done, or already joined; both link to the preference centre. */
  outcomePage(ctx: PageContext, result: GrantOutcome): string {
    const link = signPreferenceLink(this.keys.unsubscribe, {
      subjectRef: result.subjectRef,
      brandId: this.options.brand.id,
    });
    const preferencesHref = `/p/${link}${langQuery(ctx.locale)}`;
    if (result.alreadyJoined) return alreadyJoinedPage(ctx, result.notice.content.brandName, preferencesHref);
    return donePage(ctx, {
      brandName: result.notice.content.brandName,
      purposes: result.purposes,
      channels: result.channels,
      preferencesHref,
    });
  }
}
