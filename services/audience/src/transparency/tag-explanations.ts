import { TAG_CATEGORY_LABELS, type TagCategory } from '@siyu/contracts';
import type { MemberTagRow } from '../tags/member-tags.repository';
import type { TagDefinition } from '../tags/tag-definition';

/** Platform names as customers know them. */
const PLATFORM_NAMES: Record<string, { 'zh-CN': string; en: string }> = {
  tmall: { 'zh-CN': '天猫/淘宝', en: 'Tmall/Taobao' },
  jd: { 'zh-CN': '京东', en: 'JD' },
  douyin: { 'zh-CN': '抖音', en: 'Douyin' },
  kuaishou: { 'zh-CN': '快手', en: 'Kuaishou' },
  pinduoduo: { 'zh-CN': '拼多多', en: 'Pinduoduo' },
  youzan: { 'zh-CN': '有赞', en: 'Youzan' },
};

export type PageLocale = 'zh-CN' | 'en';

const BAND: Record<string, { 'zh-CN': string; en: string }> = {
  night: { 'zh-CN': '夜间', en: 'night' },
  morning: { 'zh-CN': '上午', en: 'morning' },
  afternoon: { 'zh-CN': '下午', en: 'afternoon' },
  evening: { 'zh-CN': '傍晚', en: 'evening' },
};

const FEATURE: Record<string, { 'zh-CN': string; en: string }> = {
  recency_days: { 'zh-CN': '距上次购买的天数', en: 'days since your last order' },
  orders_total: { 'zh-CN': '购买次数', en: 'how often you ordered' },
  orders_90d: { 'zh-CN': '近90天购买次数', en: 'orders in the last 90 days' },
  orders_365d: { 'zh-CN': '近一年购买次数', en: 'orders in the last year' },
  monetary_365d_cents: { 'zh-CN': '近一年消费金额', en: 'what you spent in the last year' },
  night_share: { 'zh-CN': '夜间下单占比', en: 'how often you order at night' },
};

/** One tag in plain language: its label and the reason ("bought 3 times in 90 days"), R12. */
export function explainTag(
  d: TagDefinition,
  row: MemberTagRow,
  locale: PageLocale,
  labelOf: (key: string) => string,
): { label: string; category: string; reason: string } {
  const zh = locale === 'zh-CN';
  const v = row.valueNum ?? 0;
  const yuan = (cents: number) => `¥${(cents / 100).toFixed(2)}`;
  let reason: string;
  if (d.layer === 'fact' && d.fact) {
    const f = d.fact;
    const w = 'windowDays' in f && f.windowDays ? f.windowDays : undefined;
    const cat = 'category' in f && f.category ? f.category : undefined;
    switch (f.measure) {
      case 'order_count':
        reason = zh
          ? `${w ? `近${w}天` : ''}${cat ? `在「${cat}」` : ''}购买了 ${v} 次`
          : `bought ${v} time${v === 1 ? '' : 's'}${cat ? ` in ${cat}` : ''}${w ? ` in the last ${w} days` : ''}`;
        break;
      case 'monetary_cents':
        reason = zh
          ? `${w ? `近${w}天` : ''}消费 ${yuan(v)}`
          : `spent ${yuan(v)}${w ? ` in the last ${w} days` : ''}`;
        break;
      case 'recency_days':
        reason = zh ? `最近一次购买在 ${v} 天前` : `your last order was ${v} days ago`;
        break;
      case 'first_order_days_ago':
        reason = zh ? `第一次购买在 ${v} 天前` : `your first order was ${v} days ago`;
        break;
      case 'top_category':
        reason = zh ? `最常购买「${row.valueText}」` : `you most often buy ${row.valueText}`;
        break;
      case 'top_platform':
        reason = zh
          ? `最常在「${PLATFORM_NAMES[row.valueText ?? '']?.['zh-CN'] ?? row.valueText}」购买`
          : `you most often buy on ${PLATFORM_NAMES[row.valueText ?? '']?.en ?? row.valueText}`;
        break;
      case 'hour_share':
        reason = zh
          ? `${Math.round(v * 100)}% 的订单在 ${f.fromHour}:00–${f.toHour}:00 下单`
          : `${Math.round(v * 100)}% of your orders were placed ${f.fromHour}:00–${f.toHour}:00`;
        break;
      case 'hour_band':
        reason = zh
          ? `通常在${BAND[row.valueText ?? '']?.['zh-CN'] ?? row.valueText}下单`
          : `you usually order in the ${BAND[row.valueText ?? '']?.en ?? row.valueText}`;
        break;
      case 'rfm':
        reason = zh
          ? `分组 ${row.valueText}：按最近购买、购买频次和消费金额分组`
          : `group ${row.valueText}: by how recently, how often and how much you bought`;
        break;
    }
  } else if (d.layer === 'model') {
    const inputs = Object.keys((row.inputs as { tags?: Record<string, unknown> }).tags ?? {}).map(labelOf);
    reason = zh
      ? `根据您的其他标签（${inputs.join('、') || '购买记录'}）按规则得出`
      : `derived by a rule from your other tags (${inputs.join(', ') || 'purchase history'})`;
  } else {
    const contributions = (row.inputs as { contributions?: Record<string, number> }).contributions ?? {};
    const top = Object.entries(contributions).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))[0]?.[0];
    const name = top ? (FEATURE[top]?.[locale] ?? top) : '';
    reason = zh
      ? `预测值 ${Math.round(v * 100)}%，主要依据：${name}`
      : `a prediction of ${Math.round(v * 100)}%, mostly from ${name}`;
  }
  return {
    label: d.labels[locale],
    category: TAG_CATEGORY_LABELS[d.category as TagCategory][locale],
    reason: reason!,
  };
}
