/** Marketing purposes a customer can agree to (R5); `sensitive_profiling` is R2's separate consent. */
export const PURPOSES = [
  'marketing_messages',
  'purchase_history',
  'personalisation',
  'sensitive_profiling',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const CHANNELS = ['sms', 'wechat', 'wecom'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CONSENT_DOORS = ['membership_join', 'parcel_qr'] as const;
export type ConsentDoor = (typeof CONSENT_DOORS)[number];

export const WITHDRAWAL_SOURCES = [
  'unsubscribe_link',
  'sms_reply',
  'wechat',
  'preference_centre',
  'membership_unbind',
  'expiry',
  'privacy_request',
  // A vendor's opt-out or blacklist receipt for our SMS, forwarded by outreach (issue 17 §5).
  'sms_vendor_receipt',
  // The customer deleted the brand's WeCom staff member (del_follow_user): WeCom is withdrawn.
  'wecom',
] as const;
export type WithdrawalSource = (typeof WITHDRAWAL_SOURCES)[number];
