#!/usr/bin/env node
// The console's API client types, generated from the merged OpenAPI description (never by hand):
//   node scripts/api-types.js          writes services/console/src/api/{openapi.json,schema.d.ts}
//   node scripts/api-types.js --check  fails when the checked-in ones are stale (CI)
// Needs `npm run build:server` first (the description is emitted by the built standalone app in
// Nest's preview mode: no database, no broker).
const { execFileSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const target = join(root, 'services', 'console', 'src', 'api');
const emitter = join(root, 'dist', 'services', 'standalone', 'src', 'emit-api-document.js');
if (!existsSync(emitter)) {
  console.error(`${emitter} not found: run \`npm run build:server\` first`);
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'siyu-api-types-'));
try {
  const json = join(work, 'openapi.json');
  const types = join(work, 'schema.d.ts');
  execFileSync(process.execPath, [emitter, json], { stdio: 'inherit' });
  execFileSync(join(root, 'node_modules', '.bin', 'openapi-typescript'), [json, '-o', types, '--alphabetize'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const files = { 'openapi.json': json, 'schema.d.ts': types };
  if (process.argv.includes('--check')) {
    const stale = Object.entries(files).filter(([name, fresh]) => {
      const current = join(target, name);
      return !existsSync(current) || readFileSync(current, 'utf8') !== readFileSync(fresh, 'utf8');
    });
    if (stale.length > 0) {
      console.error(
        `stale generated API files: ${stale.map(([n]) => `services/console/src/api/${n}`).join(', ')}\n` +
          'a controller or DTO changed: run `npm run api:types` and commit the result',
      );
      process.exit(1);
    }
    console.log('console API types match the OpenAPI description');
  } else {
    for (const [name, fresh] of Object.entries(files)) writeFileSync(join(target, name), readFileSync(fresh));
    console.log('wrote services/console/src/api/openapi.json and schema.d.ts');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
