import type { Channel, Purpose } from '@siyu/contracts';
import type { ConsentState } from '../ledger/ledger.repository';
import { CHANNEL_LABELS, escapeHtml, page, PURPOSE_LABELS } from '../qr-consent/consent-pages';
import { PROFILING_PURPOSES } from './personalisation';

export interface PreferencesView {
  token: string;
  brandName: string;
  state: ConsentState[];
  /** What the brand's current notice offers, to show what is not on (and how to turn it on). */
  offered: { purposes: Purpose[]; channels: Channel[] };
  nonce: string;
  message?: { kind: 'ok' | 'error'; text: string };
}

/** R11/R12: see and narrow; never widen here. No JavaScript needed; fits 320 px. */
export function preferencesPage(v: PreferencesView): string {
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
          const label = `${escapeHtml(PURPOSE_LABELS[p] ?? p)} · ${escapeHtml(CHANNEL_LABELS[c] ?? c)}`;
          return on
            ? `<label class="pair"><input type="checkbox" name="keep" value="${key}" checked> <span>${label}</span></label>`
            : `<label class="pair muted"><input type="checkbox" disabled> <span>${label}（未开启）</span></label>`;
        })
        .join('');
      return boxes;
    })
    .join('');
  const message = v.message
    ? `<p class="${v.message.kind}" role="${v.message.kind === 'error' ? 'alert' : 'status'}">${escapeHtml(v.message.text)}</p>`
    : '';
  return page(
    '偏好中心',
    `<h1>${escapeHtml(v.brandName)} 偏好中心</h1>
${message}
${granted.size === 0 ? '<p>您目前没有任何有效的营销授权，我们不会向您发送营销信息。</p>' : ''}
<form method="post" action="/p/${encodeURIComponent(v.token)}">
<input type="hidden" name="nonce" value="${escapeHtml(v.nonce)}">
<fieldset><legend>个性化推荐</legend>
<label class="pair"><input type="checkbox" name="personalisation" value="on"${profilingOn ? ' checked' : ' disabled'}> <span>根据我的购买记录和偏好为我推荐（关闭后，所有画像与定向推荐立即停止）</span></label>
</fieldset>
<fieldset><legend>用途与渠道（取消勾选即撤回，立即生效）</legend>${rows}</fieldset>
<button type="submit">保存</button></form>
<section id="widen"><h2>想开启更多？</h2>
<p class="muted">此页面只能减少或关闭授权。开启新的用途或渠道需要您主动同意：请扫描包裹卡上的二维码，阅读个人信息处理告知，并勾选您同意的内容（验证码确认手机号）。</p></section>
<section class="placeholder" data-placeholder="per-tag-choices"><h2>按标签类别选择</h2>
<p>即将推出：您可以只允许部分标签类别用于推荐。</p></section>
<section class="placeholder" data-placeholder="tags-held-about-me"><h2>我们持有的关于您的标签</h2>
<p>即将推出：查看品牌持有的关于您的标签、其来源及所依据的同意。</p></section>`,
  );
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
