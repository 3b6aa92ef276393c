import type { PublishedNotice } from '../notices/notice';

export const PURPOSE_LABELS: Record<string, string> = {
  marketing_messages: '接收营销信息（活动、新品、优惠）',
  purchase_history: '使用我在本店的购买记录为我推荐',
  personalisation: '个性化推荐（画像）',
  sensitive_profiling: '使用敏感类商品的购买记录（单独同意）',
};
export const CHANNEL_LABELS: Record<string, string> = { sms: '短信', wechat: '微信', wecom: '企业微信' };

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Mobile-first, no JavaScript needed (WeChat's in-app browser is the main client). */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
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
</style></head><body>${body}</body></html>`;
}

export function noticeBlock(n: PublishedNotice): string {
  const c = n.content;
  return `<section class="notice" aria-label="个人信息处理告知">
<p><strong>${escapeHtml(c.brandName)}</strong> 个人信息处理告知（第 ${n.version} 版）</p>
<ul>${c.purposes.map((p) => `<li>${escapeHtml(p.description)}</li>`).join('')}</ul>
<p>处理方式：${escapeHtml(c.processingMethods)}</p>
<p>个人信息种类：${c.dataCategories.map(escapeHtml).join('、')}</p>
<p>保存期限：${escapeHtml(c.retention)}</p>
${c.profiling ? `<p>画像说明：${escapeHtml(c.profiling)}</p>` : ''}
<p>您的权利：${escapeHtml(c.rights)}</p>
<p>联系我们：${escapeHtml(c.brandContact)}</p></section>`;
}

/** CSRF (see form-nonce.ts): every form carries the nonce issued for it and this token. */
function nonceField(nonce: string): string {
  return `<input type="hidden" name="nonce" value="${escapeHtml(nonce)}">`;
}

export function phoneStep(
  token: string,
  n: PublishedNotice,
  nonce: string,
  error?: string,
  wechatHref?: string,
): string {
  return page(
    `加入${n.content.brandName}会员`,
    `<h1>加入 ${escapeHtml(n.content.brandName)} 会员</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
${noticeBlock(n)}
<form method="post" action="/q/${encodeURIComponent(token)}/code">
${nonceField(nonce)}
<label for="phone">手机号码</label>
<input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel" maxlength="20" required>
<button type="submit">获取验证码</button></form>
${wechatHref ? `<a class="button" href="${escapeHtml(wechatHref)}">用微信授权</a>` : ''}`,
  );
}

/** Door 2 by WeChat OAuth: the openid stands in for the phone, so the only channel offered is WeChat. */
export function wechatAgreeStep(
  token: string,
  n: PublishedNotice,
  ticket: string,
  nonce: string,
  error?: string,
): string {
  const purposes = n.content.purposes
    .map(
      (p) =>
        `<label><input type="checkbox" name="purposes" value="${p.id}"> ${escapeHtml(PURPOSE_LABELS[p.id] ?? p.id)}</label>`,
    )
    .join('');
  return page(
    '确认同意',
    `<h1>确认加入 ${escapeHtml(n.content.brandName)} 会员</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<p>已通过微信确认您的身份。</p>
<form method="post" action="/q/${encodeURIComponent(token)}/wechat/agree">
${nonceField(nonce)}
<input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<fieldset><legend>我同意品牌将我的信息用于（可多选）</legend>${purposes}</fieldset>
<fieldset><legend>通过以下渠道联系我</legend><label><input type="checkbox" name="channels" value="wechat"> ${CHANNEL_LABELS.wechat}</label></fieldset>
<label><input type="checkbox" name="agree" value="yes"> 我已阅读并同意上述个人信息处理告知</label>
<button type="submit">同意并加入</button></form>
${noticeBlock(n)}`,
  );
}

/** R6: every purpose and channel is an unticked box; nothing is pre-selected. */
export function agreeStep(
  token: string,
  n: PublishedNotice,
  phone: string,
  nonce: string,
  error?: string,
): string {
  const purposes = n.content.purposes
    .map(
      (p) =>
        `<label><input type="checkbox" name="purposes" value="${p.id}"> ${escapeHtml(PURPOSE_LABELS[p.id] ?? p.id)}</label>`,
    )
    .join('');
  const channels = n.content.channels
    .map(
      (c) =>
        `<label><input type="checkbox" name="channels" value="${c}"> ${escapeHtml(CHANNEL_LABELS[c] ?? c)}</label>`,
    )
    .join('');
  return page(
    '确认同意',
    `<h1>确认加入 ${escapeHtml(n.content.brandName)} 会员</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<p>验证码已发送至您的手机。</p>
<form method="post" action="/q/${encodeURIComponent(token)}/agree">
${nonceField(nonce)}
<input type="hidden" name="phone" value="${escapeHtml(phone)}">
<label for="code">验证码</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>
<fieldset><legend>我同意品牌将我的信息用于（可多选）</legend>${purposes}</fieldset>
<fieldset><legend>通过以下渠道联系我</legend>${channels}</fieldset>
<label><input type="checkbox" name="agree" value="yes"> 我已阅读并同意上述个人信息处理告知</label>
<button type="submit">同意并加入</button></form>
${noticeBlock(n)}`,
  );
}

export function donePage(brandName: string, purposes: string[], channels: string[]): string {
  return page(
    '已加入',
    `<h1>已加入 ${escapeHtml(brandName)} 会员</h1>
<p>您同意了：${purposes.map((p) => escapeHtml(PURPOSE_LABELS[p] ?? p)).join('；')}</p>
<p>渠道：${channels.map((c) => escapeHtml(CHANNEL_LABELS[c] ?? c)).join('、')}</p>
<p>您可随时回复短信“T”退订，或点击每条信息中的退订链接。</p>`,
  );
}

export function errorPage(message: string, title = '无法完成', retryHref?: string): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1><p class="error" role="alert">${escapeHtml(message)}</p>${
      retryHref ? `<a class="button" href="${escapeHtml(retryHref)}">重新打开页面</a>` : ''
    }`,
  );
}

/** A token whose order already joined with this (verified) phone: nothing new is recorded. */
export function alreadyJoinedPage(brandName: string, preferencesHref: string): string {
  return page(
    '您已加入',
    `<h1>您已加入 ${escapeHtml(brandName)} 会员</h1>
<p class="ok">此包裹卡已用于加入会员，我们没有重复记录。</p>
<p>您可以在偏好中心查看或减少您的授权，或随时回复短信“T”退订。</p>
<a class="button" href="${escapeHtml(preferencesHref)}">打开偏好中心</a>`,
  );
}

export function tooManyRequestsPage(): string {
  return page(
    '请稍后再试',
    `<h1>请稍后再试</h1><p class="error" role="alert">请求过于频繁，请稍等一分钟后再试。我们没有做任何更改。</p>`,
  );
}

export function unsubscribeConfirmPage(
  token: string,
  brandName: string,
  channel: string,
  nonce: string,
): string {
  return page(
    '退订确认',
    `<h1>退订 ${escapeHtml(brandName)} 的${escapeHtml(CHANNEL_LABELS[channel] ?? channel)}营销信息</h1>
<form method="post" action="/u/${encodeURIComponent(token)}">${nonceField(nonce)}<button type="submit">确认退订</button></form>`,
  );
}

export function unsubscribeDonePage(brandName: string, channel: string, changed: boolean): string {
  const what = `${escapeHtml(brandName)} 的${escapeHtml(CHANNEL_LABELS[channel] ?? channel)}营销信息`;
  return page(
    '已退订',
    `<h1>已退订</h1><p>${changed ? `您已退订${what}，立即生效。` : `您此前已退订${what}，不会再收到。`}</p>`,
  );
}
