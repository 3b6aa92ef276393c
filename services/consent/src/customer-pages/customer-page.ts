import type { Request } from 'express';
import type { EntityManager } from 'typeorm';
import type { NoticeLocale } from '../notices/notice';
import type { NoticeRepository } from '../notices/notice.repository';
import type { PageContext } from './consent-pages';
import { choosePageLocale, DEFAULT_PAGE_LOCALE } from './page-locale';

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
