import type { Channel, Purpose, TagCategory } from '@siyu/contracts';
import type { ConsentState } from '../ledger/ledger.repository';
import {
  channelLabel,
  escapeHtml,
  messagesFor,
  page,
  purposeLabel,
  type PageContext,
} from '../customer-pages/consent-pages';
import { PROFILING_PURPOSES } from './personalisation';
import { tagCategoryFieldset, tagsHeldLink } from './tag-category-fieldset';

export interface PreferencesView {
  token: string;
  brandName: string;
  state: ConsentState[];
  /** What the brand's current notice offers, to show what is not on (and how to turn it on). */
  offered: { purposes: Purpose[]; channels: Channel[] };
  nonce: string;
  /** R11: tag categories the customer closed (shown as unticked boxes while profiling is on). */
  closedCategories?: TagCategory[];
  message?: { kind: 'ok' | 'error'; text: string };
}

/** R11/R12: see and narrow; never widen here. No JavaScript needed; fits 320 px. */
export function preferencesPage(ctx: PageContext, v: PreferencesView): string {
  const m = messagesFor(ctx).preferences;
  const granted = new Set(v.state.filter((s) => s.granted).map((s) => `${s.purpose}:${s.channel}`));
  const purposes = unique([...v.offered.purposes, ...v.state.map((s) => s.purpose)]);
  const channels = unique([...v.offered.channels, ...v.state.map((s) => s.channel)]);
  const profilingOn = v.state.some((s) => s.granted && PROFILING_PURPOSES.includes(s.purpose));
  const rows = purposes
    .map((p) => {
      const boxes = channels
        .map((c) => {
          const key = `${p}:${c}`;
          const on = granted.has(key);
          const label = `${escapeHtml(purposeLabel(ctx, p))} · ${escapeHtml(channelLabel(ctx, c))}`;
          return on
            ? `<label class="pair"><input type="checkbox" name="keep" value="${key}" checked> <span>${label}</span></label>`
            : `<label class="pair muted"><input type="checkbox" disabled> <span>${label}${escapeHtml(m.notOn)}</span></label>`;
        })
        .join('');
      return boxes;
    })
    .join('');
  const message = v.message
    ? `<p class="${v.message.kind}" role="${v.message.kind === 'error' ? 'alert' : 'status'}">${escapeHtml(v.message.text)}</p>`
    : '';
  return page(
    ctx,
    m.title,
    `<h1>${escapeHtml(m.heading(v.brandName))}</h1>
${message}
${granted.size === 0 ? `<p>${escapeHtml(m.nothingActive)}</p>` : ''}
<form method="post" action="/p/${encodeURIComponent(v.token)}">
<input type="hidden" name="nonce" value="${escapeHtml(v.nonce)}"><input type="hidden" name="lang" value="${ctx.locale}">
<fieldset><legend>${escapeHtml(m.personalisationLegend)}</legend>
<label class="pair"><input type="checkbox" name="personalisation" value="on"${profilingOn ? ' checked' : ' disabled'}> <span>${escapeHtml(m.personalisationLabel)}</span></label>
</fieldset>
<fieldset><legend>${escapeHtml(m.pairsLegend)}</legend>${rows}</fieldset>
${profilingOn ? tagCategoryFieldset(ctx, v.closedCategories ?? []) : ''}
<button type="submit">${escapeHtml(m.save)}</button></form>
<section id="widen"><h2>${escapeHtml(m.widenHeading)}</h2>
<p class="muted">${escapeHtml(m.widenText)}</p></section>
<section data-section="tags-held-about-me"><h2>${escapeHtml(m.tagsHeldHeading)}</h2>
<p>${tagsHeldLink(ctx, v.token)}</p></section>
<p data-link="privacy-rights"><a href="/rights${ctx.locale === 'en' ? '?lang=en' : ''}">${ctx.locale === 'en' ? 'See, copy or delete my personal information' : '查询、复制或删除我的个人信息'}</a></p>`,
  );
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
