export * from './audit.migration';
export * from './audit-anchors.migration';
export * from './audit-log';
export * from './audit-anchors';
export * from './audit-anchors.providers';
export * from './audit-trail.response';
export * from './audit-entries';
