import 'reflect-metadata';
export * from './topics';
export * from './event';
export * from './purposes';
export * from './orders.events';
export * from './consent.events';
export * from './validate';
export * from './audience.events';
export * from './privacy.events';
