/**
 * Categories every audience tag belongs to (R11): the customer opens or closes each one in the
 * preference centre, and a closed category's tags never select that customer. Stable ids; the
 * labels are what customers and marketers read.
 */
export const TAG_CATEGORIES = [
  'purchase_preference',
  'active_hours',
  'spending_power',
  'lifecycle',
  'prediction',
] as const;
export type TagCategory = (typeof TAG_CATEGORIES)[number];

export const TAG_CATEGORY_LABELS: Record<TagCategory, { 'zh-CN': string; en: string }> = {
  purchase_preference: { 'zh-CN': '购买偏好', en: 'Purchase preferences' },
  active_hours: { 'zh-CN': '活跃时段', en: 'Active hours' },
  spending_power: { 'zh-CN': '消费能力', en: 'Spending power' },
  lifecycle: { 'zh-CN': '会员生命周期', en: 'Membership lifecycle' },
  prediction: { 'zh-CN': '预测', en: 'Predictions' },
};
