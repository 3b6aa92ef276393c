import { TAG_CATEGORIES, TAG_CATEGORY_LABELS, type TagCategory } from '@siyu/contracts';
import { escapeHtml, type PageContext } from '../customer-pages/consent-pages';

const TEXT = {
  'zh-CN': {
    legend: '按标签类别选择（个性化推荐）',
    hint: '取消勾选的类别：品牌立即删除该类别下关于您的标签，且不再用它挑选您。',
    saved: '标签类别已更新，立即生效。',
    heldLink: '查看品牌持有的关于您的标签、原因及所依据的同意',
  },
  en: {
    legend: 'Tag categories used to personalise',
    hint: 'Untick a category and the brand deletes your tags in it at once and never uses it to select you.',
    saved: 'Tag categories updated, effective now.',
    heldLink: 'See the tags the brand holds about you, why, and the consent they rest on',
  },
} as const;

const textFor = (ctx: PageContext) => (ctx.locale === 'en' ? TEXT.en : TEXT['zh-CN']);

/** R11: one checkbox per tag category, inside the preference form; `categoriesShown` marks it was on the page. */
export function tagCategoryFieldset(ctx: PageContext, closed: TagCategory[]): string {
  const t = textFor(ctx);
  const lang = ctx.locale === 'en' ? 'en' : 'zh-CN';
  const boxes = TAG_CATEGORIES.map(
    (c) =>
      `<label class="pair"><input type="checkbox" name="openCategory" value="${c}"${closed.includes(c) ? '' : ' checked'}> <span>${escapeHtml(TAG_CATEGORY_LABELS[c][lang])}</span></label>`,
  ).join('');
  return `<fieldset data-section="tag-categories"><legend>${escapeHtml(t.legend)}</legend>
<input type="hidden" name="categoriesShown" value="1"><p class="muted">${escapeHtml(t.hint)}</p>${boxes}</fieldset>`;
}

export function tagCategoriesSavedText(ctx: PageContext): string {
  return textFor(ctx).saved;
}

/** R12: audience's "what the brand holds about me" page, opened with this same signed page token. */
export function tagsHeldLink(ctx: PageContext, token: string): string {
  return `<a href="/me/${encodeURIComponent(token)}?lang=${ctx.locale === 'en' ? 'en' : 'zh-CN'}">${escapeHtml(textFor(ctx).heldLink)}</a>`;
}
