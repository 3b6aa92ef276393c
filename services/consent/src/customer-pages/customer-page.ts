import type { Request, Response } from 'express';
import type { EntityManager } from 'typeorm';
import type { NoticeLocale, PublishedNotice } from '../notices/notice';
import type { NoticeRepository } from '../notices/notice.repository';
import { errorPage, messagesFor, type PageContext } from './consent-pages';
import { choosePageLocale, DEFAULT_PAGE_LOCALE } from './page-locale';
import { QrConsentError, QrConsentErrorCode } from '../qr-consent/qr-consent.errors';
import type { ShownNotice } from '../qr-consent/shown-notice';

/**
 * The language of a customer page (see page-locale.ts) among the locales the brand has a notice
 * in. A form's hidden `lang` counts as an explicit choice, like `?lang=`. `switchHref` makes the
 * page offer itself in the other locales (GET pages only: a POST result cannot be re-fetched).
 */
export async function customerPageContext(
  notices: NoticeRepository,
  tx: EntityManager,
  brandId: string,
  req: Request,
  switchHref?: (locale: NoticeLocale) => string,
): Promise<PageContext> {
  const offered = await notices.publishedLocales(tx, brandId);
  const body = req.body as Record<string, unknown> | undefined;
  const locale = choosePageLocale(
    { lang: body?.lang ?? req.query.lang, acceptLanguage: req.headers['accept-language'] },
    offered,
  );
  const others = offered.filter((l) => l !== locale);
  return {
    locale,
    switchTo: switchHref ? others.map((l) => ({ locale: l, href: switchHref(l) })) : undefined,
  };
}

/** The same page without the language switch (after a POST). */
export function withoutSwitch(ctx: PageContext): PageContext {
  return { locale: ctx.locale };
}

/** `?lang=` for links that must keep the page's language; nothing for the default. */
export function langQuery(locale: NoticeLocale): string {
  return locale === DEFAULT_PAGE_LOCALE ? '' : `?lang=${encodeURIComponent(locale)}`;
}

/**
 * The notice a door-2 page shows in its language, zh-CN when the brand has none in it; without
 * any, nobody can join (R5).
 */
export async function currentNotice(
  notices: NoticeRepository,
  tx: EntityManager,
  brandId: string,
  locale: NoticeLocale = DEFAULT_PAGE_LOCALE,
): Promise<PublishedNotice> {
  const notice =
    (await notices.findCurrent(tx, brandId, locale)) ??
    (locale === DEFAULT_PAGE_LOCALE ? null : await notices.findCurrent(tx, brandId, DEFAULT_PAGE_LOCALE));
  if (!notice) throw new QrConsentError(QrConsentErrorCode.NO_NOTICE, 'brand has no published notice');
  return notice;
}

/**
 * The notice an agree step shows again after a refused submission: the one the customer read,
 * unless a newer one replaced it (NOTICE_CHANGED) or none was named; then the current one.
 */
export async function noticeToShowAgain(
  notices: NoticeRepository,
  tx: EntityManager,
  brandId: string,
  ctx: PageContext,
  err: QrConsentError,
  shown?: ShownNotice,
): Promise<PublishedNotice> {
  const same =
    shown && err.code !== QrConsentErrorCode.NOTICE_CHANGED
      ? await notices.findByHash(tx, brandId, shown.contentHash)
      : null;
  return same ?? currentNotice(notices, tx, brandId, ctx.locale);
}

/**
 * Answers a customer page in HTML. `ok` returning null means it already answered (a redirect).
 * A QrConsentError becomes the retry page when `retry` offers one, else an error page whose link
 * goes back to the card's first step for the codes in `restartOn`.
 */
export async function renderCustomerPage(
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
    const shown = messagesFor(ctx).qrErrors[err.code];
    res
      .status(err.httpStatus)
      .type('html')
      .send(again ?? errorPage(withoutSwitch(ctx), shown.message, shown.title, retryHref));
  }
}
