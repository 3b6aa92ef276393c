export * from './postgres';
export * from './kafka';
export * from './wait-for';
export * from './auth';
export * from './fake-vendors';
export * from './server-build';
