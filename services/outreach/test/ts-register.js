/* eslint-disable @typescript-eslint/no-require-imports -- a `node -r` preload is CommonJS by nature */
// Lets a child process run outreach's TypeScript as jest does (@swc/core through pirates, the
// @siyu/* paths mapped to libs/*/src): the crash test kills and restarts such a child.
const Module = require('node:module');
const path = require('node:path');
const { addHook } = require('pirates');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../../..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@siyu\/([^/]+)(.*)$/.exec(request);
  return resolve.call(this, m ? path.join(root, 'libs', m[1], 'src', m[2]) : request, ...rest);
};
addHook(
  (code, filename) =>
    transformSync(code, {
      filename,
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    }).code,
  { exts: ['.ts'], ignoreNodeModules: true },
);
require('reflect-metadata');
