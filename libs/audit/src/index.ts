export * from './audit.migration';
export * from './audit-log';
