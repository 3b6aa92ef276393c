export * from './http';
export * from './membership-platform';
export * from './sms-vendors';
export * from './wechat-official-account';
export * from './wechat-oauth';
