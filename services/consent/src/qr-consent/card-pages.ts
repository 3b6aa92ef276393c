import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import type { NoticeLocale, PublishedNotice } from '../notices/notice';
import { signPreferenceLink } from '../preferences/preference-link';
import { alreadyJoinedPage, donePage, errorPage, type PageContext } from '../customer-pages/consent-pages';
import { langQuery, withoutSwitch } from '../customer-pages/customer-page';
import { CustomerPageContext } from '../customer-pages/page-context';
import { cardErrorMessage } from './card-error-messages';
import type { CardAgreeForm, GrantOutcome } from './grant-consent-by-card.use-case';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';
import { readShownNotice, type ShownNotice } from './shown-notice';
import { memberTimeZone } from '../grants/member-time-zone';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** What the card's steps share, whichever way the contact is proven (code or WeChat). */
@Injectable()
export class CardPages {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly pages: CustomerPageContext,
  ) {}

  context(req: Request, switchHref?: (l: NoticeLocale) => string): Promise<PageContext> {
    return this.pages.of(req, switchHref);
  }

  /**
   * The notice a door-2 page shows in its language, zh-CN when the brand has none in it; without
   * any, nobody can join (R5).
   */
  async notice(ctx: PageContext): Promise<PublishedNotice> {
    const notice = await this.pages.currentNotice(ctx.locale);
    if (!notice) throw new QrConsentError(QrConsentErrorCode.NO_NOTICE, 'brand has no published notice');
    return notice;
  }

  /**
   * The notice an agree step shows again after a refused submission: the one the customer read,
   * unless a newer one replaced it (NOTICE_CHANGED) or none was named; then the current one.
   */
  async noticeAgain(ctx: PageContext, err: QrConsentError, shown?: ShownNotice): Promise<PublishedNotice> {
    const same =
      shown && err.code !== QrConsentErrorCode.NOTICE_CHANGED
        ? await this.pages.noticeByHash(shown.contentHash)
        : null;
    return same ?? this.notice(ctx);
  }

  /** The agree form as submitted: the notice it showed must be bound to this step's nonce (R5). */
  agreeForm(
    step: 'qr-agree' | 'qr-wechat-agree' | 'wecom-agree',
    token: string,
    body: Record<string, unknown>,
    req: Request,
  ): CardAgreeForm {
    return {
      token,
      agree: body?.agree === 'yes',
      declaredUnder14: body?.age === 'under_14',
      shownNotice: readShownNotice(this.keys.invitations, step, token, body),
      purposes: list(body?.purposes),
      channels: list(body?.channels),
      ip: req.ip ?? '',
      userAgent: String(req.headers['user-agent'] ?? ''),
      timeZone: memberTimeZone(body?.tz),
    };
  }

  /** The page after agreeing: done, or already joined; both link to the preference centre. */
  outcomePage(ctx: PageContext, result: GrantOutcome): string {
    const link = signPreferenceLink(this.keys.customerLinks, {
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

/**
 * Answers a card page in HTML. `ok` returning null means it already answered (a redirect). A
 * QrConsentError becomes the retry page when `retry` offers one, else an error page whose link goes
 * back to the card's first step for the codes in `restartOn`.
 */
export async function renderCardPage(
  res: Response,
  token: string,
  ctx: PageContext,
  ok: () => Promise<string | null>,
  retry?: (err: QrConsentError) => Promise<string | null>,
  restartOn: QrConsentErrorCode[] = [QrConsentErrorCode.FORM_EXPIRED, QrConsentErrorCode.NOTICE_MISMATCH],
): Promise<void> {
  try {
    const html = await ok();
    if (html !== null) res.status(200).type('html').send(html);
  } catch (err) {
    if (!(err instanceof QrConsentError)) throw err;
    const again = retry ? await retry(err).catch(() => null) : null;
    const retryHref = restartOn.includes(err.code)
      ? `/q/${encodeURIComponent(token)}${langQuery(ctx.locale)}`
      : undefined;
    const shown = cardErrorMessage(ctx, err.code);
    res
      .status(err.httpStatus)
      .type('html')
      .send(again ?? errorPage(withoutSwitch(ctx), shown.message, shown.title, retryHref));
  }
}
