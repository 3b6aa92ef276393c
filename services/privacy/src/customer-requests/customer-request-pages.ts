import type { DataSubjectRequestResponse } from '../data-subject-requests/data-subject-request.response';
import type { PageLocale } from './page-locale';

/** The request kinds a customer can start on the public page (R14). */
export const CUSTOMER_REQUEST_KINDS = ['access', 'erasure', 'withdraw_all', 'correct'] as const;
export type CustomerRequestKind = (typeof CUSTOMER_REQUEST_KINDS)[number];

const MESSAGES = {
  'zh-CN': {
    languageName: '中文',
    title: '查询、复制或删除我的个人信息',
    intro: (brand: string) =>
      `您可以要求${brand}告诉您保存了哪些关于您的信息，或删除这些信息。为确认是您本人，我们会向您填写的手机号发送验证码。`,
    kindLegend: '您想做什么？',
    kinds: {
      access: '查询并复制我的信息',
      erasure: '删除我的信息',
      withdraw_all: '撤回我给过的全部同意',
      correct: '更正我的时区（决定消息在几点送达）',
    } as Record<CustomerRequestKind, string>,
    timeZoneLabel: '更正后的时区（仅更正时填写，如 Asia/Shanghai）',
    phoneLabel: '手机号',
    send: '发送验证码',
    codeTitle: '输入验证码',
    codeIntro: '如果这个号码能接收短信，验证码已经发出，10分钟内有效。',
    codeLabel: '6位验证码',
    confirm: '确认并提交请求',
    statusTitle: '我的个人信息请求',
    kindLine: (k: string) => `请求类型：${k}`,
    receivedLine: (d: string) => `提交时间：${d}`,
    dueLine: (d: string) => `最迟答复：${d}`,
    keepLink: '请保存本页链接，可随时回来查看进度。',
    statusOpen: '处理中',
    statusDone: '已完成',
    receipts: '各系统的回执',
    waiting: '等待答复',
    overdue: '已逾期，隐私负责人正在跟进',
    answered: (d: string) => `已答复（${d}）`,
    nothingHeld: '没有保存您的任何信息。',
    columns: ['类别', '条数', '处理', '说明'],
    statuses: {
      held: '保存中',
      deleted: '已删除',
      kept_as_proof: '作为证明保留',
      kept_under_legal_hold: '依法暂时保留',
      withdrawn: '已撤回',
      corrected: '已更正',
    } as Record<string, string>,
    keptUntil: (d: string) => `保留至 ${d}`,
    exportLink: '下载机器可读副本（JSON）',
    services: {
      consent: '同意记录',
      orders: '订单与配送',
      audience: '会员与标签',
      outreach: '消息发送',
      identity: '员工账号',
    } as Record<string, string>,
    errors: {
      PHONE_INVALID: '请填写有效的中国大陆手机号。',
      KIND_INVALID: '请选择您想做的事情。',
      TIME_ZONE_INVALID: '请填写有效的时区名称，例如 Asia/Shanghai。',
      NOT_READY: '服务暂时不可用，请稍后再试。',
      CHALLENGE_UNKNOWN: '验证码已过期，请重新开始。',
      CODE_WRONG: '验证码不正确，请重新输入。',
      TOO_MANY_ATTEMPTS: '尝试次数过多，请重新开始。',
      STILL_CHECKING: '我们还在核对，请几秒后再提交一次。',
      STATUS_LINK_INVALID: '这个链接无效。',
      EXPORT_NOT_READY: '副本还没有准备好。',
      TOO_MANY_REQUESTS: '操作太频繁，请稍后再试。',
    } as Record<string, string>,
    errorTitle: '无法完成',
    restart: '重新开始',
  },
  en: {
    languageName: 'English',
    title: 'See, copy or delete my personal information',
    intro: (brand: string) =>
      `You can ask ${brand} what it holds about you, or to delete it. To make sure it is you, we send a code to the mobile number you type.`,
    kindLegend: 'What would you like to do?',
    kinds: {
      access: 'See and copy my information',
      erasure: 'Delete my information',
      withdraw_all: 'Withdraw every consent I gave',
      correct: 'Correct my time zone (when messages may reach me)',
    } as Record<CustomerRequestKind, string>,
    timeZoneLabel: 'The correct time zone (only to correct it, e.g. Asia/Shanghai)',
    phoneLabel: 'Mobile number',
    send: 'Send code',
    codeTitle: 'Enter the code',
    codeIntro: 'If this number can receive texts, a code is on its way; it is valid for 10 minutes.',
    codeLabel: '6-digit code',
    confirm: 'Confirm and send my request',
    statusTitle: 'My personal-information request',
    kindLine: (k: string) => `Request: ${k}`,
    receivedLine: (d: string) => `Received: ${d}`,
    dueLine: (d: string) => `Answer due by: ${d}`,
    keepLink: 'Keep the link to this page to come back and follow the progress.',
    statusOpen: 'In progress',
    statusDone: 'Completed',
    receipts: 'Receipts from each system',
    waiting: 'Waiting for an answer',
    overdue: 'Overdue: the privacy officer is following up',
    answered: (d: string) => `Answered (${d})`,
    nothingHeld: 'Holds nothing about you.',
    columns: ['Category', 'Records', 'Outcome', 'Explanation'],
    statuses: {
      held: 'held',
      deleted: 'deleted',
      kept_as_proof: 'kept as proof',
      kept_under_legal_hold: 'kept under a legal hold',
      withdrawn: 'withdrawn',
      corrected: 'corrected',
    } as Record<string, string>,
    keptUntil: (d: string) => `kept until ${d}`,
    exportLink: 'Download the machine-readable copy (JSON)',
    services: {
      consent: 'Consent records',
      orders: 'Orders and delivery',
      audience: 'Membership and tags',
      outreach: 'Messages',
      identity: 'Staff accounts',
    } as Record<string, string>,
    errors: {
      PHONE_INVALID: 'Please type a valid mainland China mobile number.',
      KIND_INVALID: 'Please choose what you would like to do.',
      TIME_ZONE_INVALID: 'Please type a valid time zone name, such as Asia/Shanghai.',
      NOT_READY: 'The service is not available right now; please try again later.',
      CHALLENGE_UNKNOWN: 'This code has expired; please start again.',
      CODE_WRONG: 'That code is not right; please type it again.',
      TOO_MANY_ATTEMPTS: 'Too many tries; please start again.',
      STILL_CHECKING: 'We are still checking; please submit again in a few seconds.',
      STATUS_LINK_INVALID: 'This link is not valid.',
      EXPORT_NOT_READY: 'The copy is not ready yet.',
      TOO_MANY_REQUESTS: 'Too many requests; please wait a little.',
    } as Record<string, string>,
    errorTitle: 'Could not finish',
    restart: 'Start again',
  },
};

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const other = (l: PageLocale): PageLocale => (l === 'en' ? 'zh-CN' : 'en');

/** Mobile-first, no JavaScript (WeChat's in-app browser is the main client), like consent's pages. */
function page(locale: PageLocale, title: string, body: string, switchHref?: string): string {
  const sw = switchHref
    ? `<nav class="lang"><a href="${escapeHtml(switchHref)}" hreflang="${other(locale)}" lang="${other(locale)}">${MESSAGES[other(locale)].languageName}</a></nav>`
    : '';
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;padding:16px;max-width:640px;margin:auto;line-height:1.6;color:#222;overflow-wrap:anywhere}
h1{font-size:1.3em}fieldset{border:1px solid #ddd;border-radius:8px;margin:12px 0;padding:8px 12px}
label{display:block;padding:6px 0}input[type=tel],input[type=text]{width:100%;box-sizing:border-box;font-size:1.1em;padding:10px;border:1px solid #bbb;border-radius:6px}
button{width:100%;font-size:1.1em;padding:12px;margin-top:12px;border:0;border-radius:6px;background:#07c160;color:#fff}
.error{color:#b00020;font-weight:bold}.muted{color:#666;font-size:.9em}table{border-collapse:collapse;width:100%;font-size:.9em}
td,th{border-bottom:1px solid #eee;padding:4px;text-align:left;vertical-align:top}.lang{text-align:right;font-size:.9em}
</style></head><body>${sw}${body}</body></html>`;
}

const langQuery = (l: PageLocale) => (l === 'zh-CN' ? '' : `?lang=${l}`);

export function startPage(locale: PageLocale, brandName: string, error?: string): string {
  const m = MESSAGES[locale];
  const kinds = CUSTOMER_REQUEST_KINDS.map(
    (k, i) =>
      `<label><input type="radio" name="kind" value="${k}"${i === 0 ? ' checked' : ''}> ${escapeHtml(m.kinds[k])}</label>`,
  ).join('');
  return page(
    locale,
    m.title,
    `<h1>${escapeHtml(m.title)}</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<p>${escapeHtml(m.intro(brandName))}</p>
<form method="post" action="/rights"><input type="hidden" name="lang" value="${locale}">
<fieldset><legend>${escapeHtml(m.kindLegend)}</legend>${kinds}</fieldset>
<label>${escapeHtml(m.timeZoneLabel)}<input type="text" name="timeZone" maxlength="64" autocomplete="off"></label>
<label>${escapeHtml(m.phoneLabel)}<input type="tel" name="phone" autocomplete="tel" inputmode="tel" required></label>
<button type="submit">${escapeHtml(m.send)}</button></form>`,
    `/rights?lang=${other(locale)}`,
  );
}

export function codePage(locale: PageLocale, challengeId: string, error?: string): string {
  const m = MESSAGES[locale];
  return page(
    locale,
    m.codeTitle,
    `<h1>${escapeHtml(m.codeTitle)}</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<p>${escapeHtml(m.codeIntro)}</p>
<form method="post" action="/rights/code"><input type="hidden" name="lang" value="${locale}">
<input type="hidden" name="challenge" value="${escapeHtml(challengeId)}">
<label>${escapeHtml(m.codeLabel)}<input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required></label>
<button type="submit">${escapeHtml(m.confirm)}</button></form>`,
  );
}

export function errorPage(locale: PageLocale, code: string): string {
  const m = MESSAGES[locale];
  return page(
    locale,
    m.errorTitle,
    `<h1>${escapeHtml(m.errorTitle)}</h1><p class="error" role="alert">${escapeHtml(m.errors[code] ?? code)}</p>
<p><a href="/rights${langQuery(locale)}">${escapeHtml(m.restart)}</a></p>`,
  );
}

export function errorText(locale: PageLocale, code: string): string {
  return MESSAGES[locale].errors[code] ?? code;
}

const day = (iso: string) => iso.slice(0, 10);

/** The status page (R14): per-service receipts; for a completed access request, the readable copy. */
export function statusPage(locale: PageLocale, token: string, r: DataSubjectRequestResponse): string {
  const m = MESSAGES[locale];
  const kindName = m.kinds[r.kind as CustomerRequestKind] ?? r.kind;
  const receipts = r.receipts
    .map((s) => {
      const name = m.services[s.service] ?? s.service;
      const state =
        s.state === 'answered'
          ? m.answered(day(s.answeredAt!))
          : s.state === 'overdue'
            ? m.overdue
            : m.waiting;
      const shown = s.lines.filter((l) => l.records > 0);
      const table =
        s.state !== 'answered'
          ? ''
          : shown.length === 0
            ? `<p class="muted">${escapeHtml(m.nothingHeld)}</p>`
            : `<table><tr>${m.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>${shown
                .map(
                  (l) =>
                    `<tr><td>${escapeHtml(l.category)}</td><td>${l.records}</td><td>${escapeHtml(m.statuses[l.status] ?? l.status)}${
                      l.keptUntil ? ` (${escapeHtml(m.keptUntil(day(l.keptUntil)))})` : ''
                    }</td><td>${escapeHtml(l.explanation)}</td></tr>`,
                )
                .join('')}</table>`;
      return `<section data-service="${escapeHtml(s.service)}"><h3>${escapeHtml(name)}</h3><p>${escapeHtml(state)}</p>${table}</section>`;
    })
    .join('');
  const exportLink =
    r.kind === 'access' && r.status === 'completed'
      ? `<p><a href="/rights/status/${encodeURIComponent(token)}/export.json" download>${escapeHtml(m.exportLink)}</a></p>`
      : '';
  return page(
    locale,
    m.statusTitle,
    `<h1>${escapeHtml(m.statusTitle)}</h1>
<p><strong>${escapeHtml(r.status === 'completed' ? m.statusDone : m.statusOpen)}</strong></p>
<p>${escapeHtml(m.kindLine(kindName))}<br>${escapeHtml(m.receivedLine(day(r.receivedAt)))}<br>${escapeHtml(m.dueLine(day(r.dueAt)))}</p>
<p class="muted">${escapeHtml(m.keepLink)}</p>
${exportLink}
<h2>${escapeHtml(m.receipts)}</h2>${receipts}`,
    `/rights/status/${encodeURIComponent(token)}?lang=${other(locale)}`,
  );
}
