export * from './http';
export * from './membership-platform';
export * from './sms-vendors';
export * from './wechat-official-account';
export * from './wechat-oauth';
export * from './aliyun-sms-server';
export * from './capture-output';
