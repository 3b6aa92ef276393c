export * from './embedded-postgres';
export * from './provision';
export * from './data-source';
export * from './database-from-env';
export * from './replay-guard';
export * from './recurring-job';
export * from './copy-rows';
