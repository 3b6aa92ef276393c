/** The locales of the customer pages; zh-CN is the default and the fallback. */
export const PAGE_LOCALES = ['zh-CN', 'en'] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];

/** `?lang=` (or a form's hidden `lang`) wins, else the first Accept-Language entry we speak, else zh-CN. */
export function choosePageLocale(lang: unknown, acceptLanguage: unknown): PageLocale {
  const explicit = toLocale(lang);
  if (explicit) return explicit;
  if (typeof acceptLanguage === 'string' && acceptLanguage.length <= 500) {
    const tags = acceptLanguage
      .split(',')
      .map((part, i) => {
        const [tag, ...params] = part.trim().split(';');
        const q = params.map((p) => /^q=([0-9.]+)$/.exec(p.trim())).find(Boolean);
        return { tag, q: q ? Number(q[1]) : 1, i };
      })
      .filter((t) => t.q > 0)
      .sort((a, b) => b.q - a.q || a.i - b.i);
    for (const t of tags) {
      const locale = toLocale(t.tag);
      if (locale) return locale;
    }
  }
  return 'zh-CN';
}

function toLocale(tag: unknown): PageLocale | undefined {
  if (typeof tag !== 'string' || tag.length > 35) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return primary === 'zh' ? 'zh-CN' : primary === 'en' ? 'en' : undefined;
}
