export * from './short-code';
export * from './short-link.repository';
export * from './short-links.migration';
export * from './follow-short-link';
export * from './short-link-pages';
export * from './short-link-redirect.controller';
