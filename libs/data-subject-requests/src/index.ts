export * from './subject-data.port';
export * from './answer-subject-request';
export * from './subject-requests-consumer';
