export * from './pii-kinds';
export * from './detect-unmasked-pii';
export * from './phone-masking';
export * from './fulfilment-purpose';
