export * from './http-edge';
export * from './rate-limit';
export * from './postgres-rate-limit-store';
