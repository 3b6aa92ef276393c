import type { Channel, Purpose } from '@siyu/contracts';
import type { NoticeLocale, PublishedNotice } from '../notices/notice';
import { PAGE_MESSAGES, type PageMessages } from './page-messages';
import { TIME_ZONE_FIELD } from '../grants/member-time-zone';

/** The language a page is rendered in, and where the same page can be read in the others. */
export interface PageContext {
  locale: NoticeLocale;
  /** GET links to this page in the other locales the brand has a notice in (no JavaScript needed). */
  switchTo?: { locale: NoticeLocale; href: string }[];
}

export function messagesFor(ctx: PageContext): PageMessages {
  return PAGE_MESSAGES[ctx.locale];
}

export function purposeLabel(ctx: PageContext, p: string): string {
  return messagesFor(ctx).purposes[p as Purpose] ?? p;
}

export function channelLabel(ctx: PageContext, c: string): string {
  return messagesFor(ctx).channels[c as Channel] ?? c;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Mobile-first, no JavaScript needed (WeChat's in-app browser is the main client). */
export function page(ctx: PageContext, title: string, body: string): string {
  const switchLinks = (ctx.switchTo ?? [])
    .map(
      (s) =>
        `<a href="${escapeHtml(s.href)}" hreflang="${s.locale}" lang="${s.locale}">${escapeHtml(PAGE_MESSAGES[s.locale].languageName)}</a>`,
    )
    .join(' ');
  return `<!doctype html><html lang="${ctx.locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;padding:16px;max-width:560px;margin:auto;line-height:1.6;color:#222;overflow-wrap:anywhere}
h1{font-size:1.3em}fieldset{border:1px solid #ddd;border-radius:8px;margin:12px 0;padding:8px 12px}
label{display:block;padding:6px 0}input[type=tel],input[type=text]{width:100%;box-sizing:border-box;font-size:1.1em;padding:10px;border:1px solid #bbb;border-radius:6px}
button{width:100%;font-size:1.1em;padding:12px;margin-top:12px;border:0;border-radius:6px;background:#07c160;color:#fff}
.notice{font-size:.9em;background:#f7f7f7;border-radius:8px;padding:8px 12px}.error{color:#b00020;font-weight:bold}
.ok{color:#067d3f;font-weight:bold}.muted{color:#666;font-size:.9em}a.button{display:block;text-align:center;padding:12px;border:1px solid #07c160;border-radius:6px;color:#067d3f;text-decoration:none;margin-top:12px}
.pair{display:flex;gap:8px;align-items:flex-start}.pair input{margin-top:.35em}input[type=checkbox]{width:1.2em;height:1.2em;flex:none}
.placeholder{border:1px dashed #bbb;border-radius:8px;padding:8px 12px;color:#666}
.lang{text-align:right;font-size:.9em}.lang a{color:#067d3f;padding:4px 0 4px 12px}
</style></head><body>${switchLinks ? `<nav class="lang">${switchLinks}</nav>` : ''}${body}</body></html>`;
}

export function noticeBlock(ctx: PageContext, n: PublishedNotice): string {
  const m = messagesFor(ctx).notice;
  const c = n.content;
  return `<section class="notice" aria-label="${escapeHtml(m.label)}" lang="${n.locale}">
<p><strong>${escapeHtml(m.heading(c.brandName, n.version))}</strong></p>
<ul>${c.purposes.map((p) => `<li>${escapeHtml(p.description)}</li>`).join('')}</ul>
<p>${escapeHtml(m.processingMethods)}${escapeHtml(c.processingMethods)}</p>
<p>${escapeHtml(m.dataCategories)}${c.dataCategories.map(escapeHtml).join(escapeHtml(messagesFor(ctx).listSeparator))}</p>
<p>${escapeHtml(m.retention)}${escapeHtml(c.retention)}</p>
${c.profiling ? `<p>${escapeHtml(m.profiling)}${escapeHtml(c.profiling)}</p>` : ''}
<p>${escapeHtml(m.rights)}${escapeHtml(c.rights)}</p>
<p>${escapeHtml(m.contact)}${escapeHtml(c.brandContact)}</p></section>`;
}

/** What an agree form's nonce is bound to (R5): a grant records exactly the notice this page showed. */
export function shownNoticeBinding(n: PublishedNotice): string {
  return `${n.locale}:${n.contentHash}`;
}

/** CSRF (see form-nonce.ts): every form carries the nonce issued for it and this token. */
function nonceField(nonce: string): string {
  return `<input type="hidden" name="nonce" value="${escapeHtml(nonce)}">`;
}

function langField(ctx: PageContext): string {
  return `<input type="hidden" name="lang" value="${ctx.locale}">`;
}

/** The notice the customer is reading; its nonce binding makes a changed value visible. */
function shownNoticeFields(ctx: PageContext, n: PublishedNotice): string {
  return `${langField(ctx)}<input type="hidden" name="notice" value="${escapeHtml(n.contentHash)}">`;
}

function errorLine(error?: string): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

function purposeBoxes(ctx: PageContext, n: PublishedNotice): string {
  return n.content.purposes
    .map(
      (p) =>
        `<label><input type="checkbox" name="purposes" value="${p.id}"> ${escapeHtml(purposeLabel(ctx, p.id))}</label>`,
    )
    .join('');
}

export interface PhoneStep {
  token: string;
  notice: PublishedNotice;
  nonce: string;
  error?: string;
  wechatHref?: string;
}

export function phoneStep(ctx: PageContext, v: PhoneStep): string {
  const m = messagesFor(ctx).join;
  const brand = v.notice.content.brandName;
  return page(
    ctx,
    m.title(brand),
    `<h1>${escapeHtml(m.title(brand))}</h1>
${errorLine(v.error)}
${noticeBlock(ctx, v.notice)}
<form method="post" action="/q/${encodeURIComponent(v.token)}/code">
${nonceField(v.nonce)}${langField(ctx)}
<label for="phone">${escapeHtml(m.phoneLabel)}</label>
<input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel" maxlength="20" required>
<button type="submit">${escapeHtml(m.getCode)}</button></form>
${v.wechatHref ? `<a class="button" href="${escapeHtml(v.wechatHref)}">${escapeHtml(m.wechatAuthorise)}</a>` : ''}`,
  );
}

export interface WechatAgreeStep {
  token: string;
  notice: PublishedNotice;
  ticket: string;
  nonce: string;
  error?: string;
}

/** Door 2 by WeChat OAuth: the openid stands in for the phone, so the only channel offered is WeChat. */
export function wechatAgreeStep(ctx: PageContext, v: WechatAgreeStep): string {
  const m = messagesFor(ctx).join;
  return page(
    ctx,
    m.confirmTitle,
    `<h1>${escapeHtml(m.confirmHeading(v.notice.content.brandName))}</h1>
${errorLine(v.error)}
<p>${escapeHtml(m.wechatVerified)}</p>
<form method="post" action="/q/${encodeURIComponent(v.token)}/wechat/agree">
${nonceField(v.nonce)}${shownNoticeFields(ctx, v.notice)}
<input type="hidden" name="ticket" value="${escapeHtml(v.ticket)}">${TIME_ZONE_FIELD}
<fieldset><legend>${escapeHtml(m.purposesLegend)}</legend>${purposeBoxes(ctx, v.notice)}</fieldset>
<fieldset><legend>${escapeHtml(m.channelsLegend)}</legend><label><input type="checkbox" name="channels" value="wechat"> ${escapeHtml(channelLabel(ctx, 'wechat'))}</label></fieldset>
${ageFieldset(m)}
<label><input type="checkbox" name="agree" value="yes"> ${escapeHtml(m.agreeLabel)}</label>
<button type="submit">${escapeHtml(m.agreeButton)}</button></form>
${noticeBlock(ctx, v.notice)}`,
  );
}

export interface WecomAgreeStep {
  token: string;
  notice: PublishedNotice;
  nonce: string;
  error?: string;
}

/** Door 2 reached from WeCom: the WeCom contact stands in for the phone, so only WeCom is offered. */
export function wecomAgreeStep(ctx: PageContext, v: WecomAgreeStep): string {
  const m = messagesFor(ctx).join;
  return page(
    ctx,
    m.confirmTitle,
    `<h1>${escapeHtml(m.confirmHeading(v.notice.content.brandName))}</h1>
${errorLine(v.error)}
<p>${escapeHtml(m.wecomVerified)}</p>
<form method="post" action="/w/${encodeURIComponent(v.token)}/agree">
${nonceField(v.nonce)}${shownNoticeFields(ctx, v.notice)}${TIME_ZONE_FIELD}
<fieldset><legend>${escapeHtml(m.purposesLegend)}</legend>${purposeBoxes(ctx, v.notice)}</fieldset>
<fieldset><legend>${escapeHtml(m.channelsLegend)}</legend><label><input type="checkbox" name="channels" value="wecom"> ${escapeHtml(channelLabel(ctx, 'wecom'))}</label></fieldset>
<label><input type="checkbox" name="agree" value="yes"> ${escapeHtml(m.agreeLabel)}</label>
<button type="submit">${escapeHtml(m.agreeButton)}</button></form>
${noticeBlock(ctx, v.notice)}`,
  );
}

export interface AgreeStep {
  token: string;
  notice: PublishedNotice;
  phone: string;
  nonce: string;
  error?: string;
}

/** R6: every purpose and channel is an unticked box; nothing is pre-selected. */
/** R2 / PIPL Art. 31: asked on every agree step; an under-14 answer records no consent. */
function ageFieldset(m: { ageLegend: string; age14OrOlder: string; ageUnder14: string }): string {
  return `<fieldset><legend>${escapeHtml(m.ageLegend)}</legend><label><input type="radio" name="age" value="14_or_older"> ${escapeHtml(m.age14OrOlder)}</label> <label><input type="radio" name="age" value="under_14"> ${escapeHtml(m.ageUnder14)}</label></fieldset>`;
}

export function agreeStep(ctx: PageContext, v: AgreeStep): string {
  const m = messagesFor(ctx).join;
  const channels = v.notice.content.channels
    .map(
      (c) =>
        `<label><input type="checkbox" name="channels" value="${c}"> ${escapeHtml(channelLabel(ctx, c))}</label>`,
    )
    .join('');
  return page(
    ctx,
    m.confirmTitle,
    `<h1>${escapeHtml(m.confirmHeading(v.notice.content.brandName))}</h1>
${errorLine(v.error)}
<p>${escapeHtml(m.codeSent)}</p>
<form method="post" action="/q/${encodeURIComponent(v.token)}/agree">
${nonceField(v.nonce)}${shownNoticeFields(ctx, v.notice)}
<input type="hidden" name="phone" value="${escapeHtml(v.phone)}">${TIME_ZONE_FIELD}
<label for="code">${escapeHtml(m.codeLabel)}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>
<fieldset><legend>${escapeHtml(m.purposesLegend)}</legend>${purposeBoxes(ctx, v.notice)}</fieldset>
<fieldset><legend>${escapeHtml(m.channelsLegend)}</legend>${channels}</fieldset>
${ageFieldset(m)}
<label><input type="checkbox" name="agree" value="yes"> ${escapeHtml(m.agreeLabel)}</label>
<button type="submit">${escapeHtml(m.agreeButton)}</button></form>
${noticeBlock(ctx, v.notice)}`,
  );
}

export interface DonePage {
  brandName: string;
  purposes: Purpose[];
  channels: Channel[];
  preferencesHref: string;
}

/** Says exactly what was granted and, for each granted channel only, its way out (R9). */
export function donePage(ctx: PageContext, v: DonePage): string {
  const msg = messagesFor(ctx);
  const m = msg.done;
  return page(
    ctx,
    m.title,
    `<h1>${escapeHtml(m.heading(v.brandName))}</h1>
<p>${escapeHtml(m.purposes)}${v.purposes.map((p) => escapeHtml(purposeLabel(ctx, p))).join(escapeHtml(msg.listSeparator))}</p>
<p>${escapeHtml(m.channels)}${v.channels.map((c) => escapeHtml(channelLabel(ctx, c))).join(escapeHtml(msg.listSeparator))}</p>
<ul class="ways-out">${v.channels.map((c) => `<li>${escapeHtml(m.wayOut[c])}</li>`).join('')}</ul>
<p>${escapeHtml(m.preferences)}</p>
<a class="button" href="${escapeHtml(v.preferencesHref)}">${escapeHtml(m.openPreferences)}</a>`,
  );
}

export function errorPage(ctx: PageContext, message: string, title: string, retryHref?: string): string {
  return page(
    ctx,
    title,
    `<h1>${escapeHtml(title)}</h1><p class="error" role="alert">${escapeHtml(message)}</p>${
      retryHref
        ? `<a class="button" href="${escapeHtml(retryHref)}">${escapeHtml(messagesFor(ctx).reopen)}</a>`
        : ''
    }`,
  );
}

/** A token whose order already joined with this (verified) phone: nothing new is recorded. */
export function alreadyJoinedPage(ctx: PageContext, brandName: string, preferencesHref: string): string {
  const m = messagesFor(ctx).done;
  return page(
    ctx,
    m.alreadyTitle,
    `<h1>${escapeHtml(m.alreadyHeading(brandName))}</h1>
<p class="ok">${escapeHtml(m.alreadyNothingNew)}</p>
<p>${escapeHtml(m.preferences)}</p>
<a class="button" href="${escapeHtml(preferencesHref)}">${escapeHtml(m.openPreferences)}</a>`,
  );
}

export function tooManyRequestsPage(ctx: PageContext): string {
  const m = messagesFor(ctx);
  return page(
    ctx,
    m.tooManyTitle,
    `<h1>${escapeHtml(m.tooManyTitle)}</h1><p class="error" role="alert">${escapeHtml(m.tooManyText)}</p>`,
  );
}

export function unsubscribeConfirmPage(
  ctx: PageContext,
  token: string,
  brandName: string,
  channel: string,
  nonce: string,
): string {
  const m = messagesFor(ctx).unsubscribe;
  return page(
    ctx,
    m.title,
    `<h1>${escapeHtml(m.heading(brandName, channelLabel(ctx, channel)))}</h1>
<form method="post" action="/u/${encodeURIComponent(token)}">${nonceField(nonce)}${langField(ctx)}<button type="submit">${escapeHtml(m.confirm)}</button></form>`,
  );
}

export function unsubscribeDonePage(
  ctx: PageContext,
  brandName: string,
  channel: string,
  changed: boolean,
): string {
  const m = messagesFor(ctx).unsubscribe;
  const label = channelLabel(ctx, channel);
  return page(
    ctx,
    m.doneTitle,
    `<h1>${escapeHtml(m.doneTitle)}</h1><p>${escapeHtml(changed ? m.done(brandName, label) : m.doneBefore(brandName, label))}</p>`,
  );
}
