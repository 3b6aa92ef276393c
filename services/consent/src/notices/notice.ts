import type { Channel, Purpose } from '@siyu/contracts';

/** What a notice must say (R5); a version missing any of it cannot be published. */
export interface NoticeContent {
  brandName: string;
  brandContact: string;
  purposes: { id: Purpose; description: string }[];
  channels: Channel[];
  processingMethods: string;
  dataCategories: string[];
  retention: string;
  rights: string;
  /** Required when profiling (personalisation, sensitive_profiling) is a purpose. */
  profiling?: string;
}

/** zh-CN first (the customer's language), en second. */
export const NOTICE_LOCALES = ['zh-CN', 'en'] as const;
export type NoticeLocale = (typeof NOTICE_LOCALES)[number];

export interface PublishedNotice {
  id: string;
  brandId: string;
  /** Counts per brand and locale. */
  version: number;
  locale: NoticeLocale;
  content: NoticeContent;
  /** sha256 of the canonical content; a grant records it, and the row can never change (trigger). */
  contentHash: string;
  publishedAt: string;
}

const PROFILING_PURPOSES: Purpose[] = ['personalisation', 'sensitive_profiling'];

/** The R5 elements by field name, in the order a notice states them. */
export const NOTICE_ELEMENTS = [
  'brandName',
  'brandContact',
  'purposes',
  'channels',
  'processingMethods',
  'dataCategories',
  'retention',
  'rights',
  'profiling',
] as const;

/** Lists what is missing, by field name; empty means publishable. */
export function missingNoticeElements(c: Partial<NoticeContent>): string[] {
  const missing: string[] = [];
  const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
  if (!text(c.brandName)) missing.push('brandName');
  if (!text(c.brandContact)) missing.push('brandContact');
  if (!Array.isArray(c.purposes) || c.purposes.length === 0 || !c.purposes.every((p) => text(p?.description)))
    missing.push('purposes');
  if (!Array.isArray(c.channels) || c.channels.length === 0) missing.push('channels');
  if (!text(c.processingMethods)) missing.push('processingMethods');
  if (!Array.isArray(c.dataCategories) || c.dataCategories.length === 0 || !c.dataCategories.every(text))
    missing.push('dataCategories');
  if (!text(c.retention)) missing.push('retention');
  if (!text(c.rights)) missing.push('rights');
  if (c.purposes?.some((p) => PROFILING_PURPOSES.includes(p.id)) && !text(c.profiling))
    missing.push('profiling');
  return missing;
}

/** The notice a brand starts with, so a fresh install can be tried end to end. */
export function defaultNotice(brandName: string, contact: string): NoticeContent {
  return {
    brandName,
    brandContact: contact,
    purposes: [
      { id: 'marketing_messages', description: '向您发送会员活动、新品与优惠信息（营销信息）' },
      { id: 'purchase_history', description: '使用您在本店的购买记录（日期、金额、商品）为您推荐商品' },
    ],
    channels: ['sms', 'wechat'],
    processingMethods: '收集、存储、使用；不向第三方提供；加密保存',
    dataCategories: ['手机号码（经验证码验证）', '在本店的购买记录（不含收货人姓名与地址）'],
    retention: '在您的同意有效期间保存；撤回后删除营销数据，同意记录作为证明保存至少5个月',
    rights:
      '您可随时通过短信回复T退订、点击退订链接或在偏好中心撤回同意、查阅或删除您的信息；联系 ' + contact,
  };
}
