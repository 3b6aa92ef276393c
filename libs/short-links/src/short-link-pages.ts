/** One sentence in each of the customer pages' languages (zh-CN first, as the pages default). */
export interface PageSentence {
  zh: string;
  en: string;
}

export const UNKNOWN_LINK: PageSentence = {
  zh: '这个链接不存在。请检查链接是否完整。',
  en: 'This link does not exist. Please check that the whole link was copied.',
};

/** A small page in both languages; the sentences are ours (constants), escaped all the same. */
export function shortLinkPage(title: PageSentence, sentence: PageSentence): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title.zh)} · ${escapeHtml(title.en)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.6}</style></head>
<body><main>
<h1>${escapeHtml(title.zh)}</h1><p>${escapeHtml(sentence.zh)}</p>
<section lang="en"><h2>${escapeHtml(title.en)}</h2><p>${escapeHtml(sentence.en)}</p></section>
</main></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
