import { NOTICE_LOCALES, type NoticeLocale } from '../notices/notice';

/** The customer's language unless they asked otherwise; also the fallback (zh-CN first). */
export const DEFAULT_PAGE_LOCALE: NoticeLocale = 'zh-CN';

export interface LocaleRequest {
  /** `?lang=` (or the form's hidden `lang`): an explicit choice wins. */
  lang?: unknown;
  /** e.g. WeChat's in-app browser: `zh-CN,zh;q=0.9` or `en-US,en;q=0.9`. */
  acceptLanguage?: unknown;
}

/**
 * The language of a customer page: `?lang=` wins, else the best Accept-Language entry by q-value,
 * else zh-CN. Only locales in `offered` (those with a published notice, R5) are ever chosen; a
 * locale the brand has no notice in quietly falls back to zh-CN.
 */
export function choosePageLocale(req: LocaleRequest, offered: readonly NoticeLocale[]): NoticeLocale {
  const explicit = toNoticeLocale(req.lang);
  if (explicit) return offered.includes(explicit) ? explicit : DEFAULT_PAGE_LOCALE;
  for (const tag of acceptedLanguages(req.acceptLanguage)) {
    const locale = toNoticeLocale(tag);
    if (locale) return offered.includes(locale) ? locale : DEFAULT_PAGE_LOCALE;
  }
  return DEFAULT_PAGE_LOCALE;
}

/** Maps a language tag onto a notice locale: `en`, `en-US` → en; `zh`, `zh-CN`, `zh-Hans-CN` → zh-CN. */
export function toNoticeLocale(tag: unknown): NoticeLocale | undefined {
  if (typeof tag !== 'string' || tag.length > 35) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return NOTICE_LOCALES.find((l) => l.toLowerCase() === tag.trim().toLowerCase());
}

/** Accept-Language tags, best first (stable for equal q); q=0 means "not this one". */
export function acceptedLanguages(header: unknown): string[] {
  if (typeof header !== 'string' || header.length > 500) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)).find(Boolean);
      return { tag: tag.trim(), q: q ? Number(q[1]) : 1, index };
    })
    .filter((e) => e.tag.length > 0 && e.tag !== '*' && e.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((e) => e.tag);
}
