export * from './roles';
export * from './decorators';
export * from './auth-keys';
export * from './token-issuer';
export * from './auth.guard';
export * from './auth-keys-from-env';
export * from './openapi';
export * from './processor-access';
