export * from './http-edge';
export * from './rate-limit';
