export * from './audit.migration';
export * from './audit-log';
export * from './audit-trail.response';
