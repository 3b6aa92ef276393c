import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiHtmlPage, Public } from '@siyu/auth';
import { TAG_CATEGORIES, TAG_CATEGORY_LABELS } from '@siyu/contracts';
import { AuditedMemberReads } from '../member-reads/audited-member-reads';
import type { PageLocale } from './tag-explanations';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const TEXT = {
  'zh-CN': {
    title: '品牌持有的关于我的标签',
    none: '品牌目前没有持有关于您的标签。',
    closed: '已关闭的类别（不会用来挑选您，相关数据已删除）：',
    manage: '在偏好中心按类别开启或关闭',
    invalid: '链接无效或已过期。',
    consent: '这些标签依据您的同意：',
  },
  en: {
    title: 'Tags the brand holds about me',
    none: 'The brand holds no tags about you.',
    closed: 'Closed categories (never used to select you; their data was deleted): ',
    manage: 'Open or close categories in the preference centre',
    invalid: 'This link is invalid or has expired.',
    consent: 'These tags rest on your consent: ',
  },
} as const;

/** R12: the customer's own view, reached from the preference centre with its signed page token. */
// Described like every customer page, so the authorisation matrix and the fuzzer reach it (issue 14).
@ApiTags('customer pages')
@ApiHtmlPage('What the brand holds about me: tags and why (zh-CN or en)', { 404: ['LINK_INVALID'] })
@Controller('me')
export class WhatWeHoldController {
  constructor(private readonly reads: AuditedMemberReads) {}

  @Get(':token')
  @ApiQuery({ name: 'lang', required: false, type: String, description: 'en, else zh-CN' })
  @Public('customer-page')
  async show(@Param('token') token: string, @Query('lang') lang: string | undefined, @Res() res: Response) {
    const locale: PageLocale = lang === 'en' ? 'en' : 'zh-CN';
    const t = TEXT[locale];
    const view = await this.reads.ownView(token, locale);
    if (!view) {
      res
        .status(404)
        .type('html')
        .send(page(locale, t.title, `<p>${escapeHtml(t.invalid)}</p>`));
      return;
    }
    const byCategory = TAG_CATEGORIES.map((c) => ({
      name: TAG_CATEGORY_LABELS[c][locale],
      tags: view.tags.filter((x) => x.categoryId === c),
    })).filter((g) => g.tags.length > 0);
    const body = [
      `<h1>${escapeHtml(t.title)}</h1>`,
      byCategory.length === 0 ? `<p>${escapeHtml(t.none)}</p>` : '',
      ...byCategory.map(
        (g) =>
          `<section><h2>${escapeHtml(g.name)}</h2><ul>${g.tags
            .map(
              (x) =>
                `<li data-tag="${escapeHtml(x.key)}"><b>${escapeHtml(x.label)}</b>：${escapeHtml(x.reason)}</li>`,
            )
            .join('')}</ul></section>`,
      ),
      view.closed.length
        ? `<p>${escapeHtml(t.closed)}${view.closed.map((c) => escapeHtml(TAG_CATEGORY_LABELS[c][locale])).join(locale === 'en' ? ', ' : '、')}</p>`
        : '',
      view.consents.length
        ? `<p class="muted">${escapeHtml(t.consent)}${escapeHtml(view.consents.join(', '))}</p>`
        : '',
      `<p><a href="/p/${encodeURIComponent(token)}?lang=${locale}">${escapeHtml(t.manage)}</a> · <a href="?lang=${locale === 'en' ? 'zh-CN' : 'en'}">${locale === 'en' ? '中文' : 'English'}</a></p>`,
    ].join('\n');
    res
      .status(200)
      .type('html')
      .send(page(locale, t.title, body));
  }
}

function page(locale: PageLocale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:1rem auto;padding:0 1rem}.muted{color:#666}</style></head><body>${body}</body></html>`;
}
