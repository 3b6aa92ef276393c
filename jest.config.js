// Jest + @swc/jest: NestJS 12 is ESM-only, loaded via require(esm) under
// NODE_OPTIONS=--experimental-vm-modules (see shared TOOLCHAIN.md).
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['**/?(*.)+(spec|int-spec|e2e-spec).ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^@siyu/(.*)$': '<rootDir>/libs/$1/src' },
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  setupFiles: ['reflect-metadata'],
  testTimeout: 60000,
  maxWorkers: 2,
  // Jest's own report, a plain totals line on stdout, and JUnit XML (test-artifacts/junit.xml) for CI
  // tools that count executed tests from a report file.
  reporters: [
    'default',
    '<rootDir>/libs/testing/src/plain-summary-reporter.js',
    ['jest-junit', { outputDirectory: '<rootDir>/test-artifacts', outputName: 'junit.xml' }],
  ],
};
