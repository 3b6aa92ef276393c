import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TestPathPatterns } from '@jest/pattern';
import {
  buildServerIfStale,
  builtServiceEntry,
  selectsProcessTests,
  serverBuildStaleness,
  serviceEntryPath,
} from './server-build';

/** A checkout in miniature: two services, a lib, and a build script that counts its runs. */
function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'siyu-server-build-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('services/orders/src/main.ts', '');
  write('services/consent/src/main.ts', '');
  write('libs/crypto/src/seal.ts', '');
  write('package.json', JSON.stringify({ scripts: { 'build:server': 'node build.js' } }));
  write(
    'build.js',
    `const fs = require('fs');
     fs.appendFileSync('builds.log', 'built\\n');
     for (const s of ['orders', 'consent']) {
       fs.mkdirSync('dist/services/' + s + '/src', { recursive: true });
       fs.writeFileSync('dist/services/' + s + '/src/main.js', '');
     }`,
  );
  return root;
}

/** Sets a file's modification time `secondsAgo` in the past (0 = now). */
function touch(root: string, path: string, secondsAgo = 0): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  try {
    readFileSync(full);
  } catch {
    writeFileSync(full, '');
  }
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(full, t, t);
}

/** The state right after a build: sources a minute old, entry points ten seconds old. */
function builtAfterItsSources(root: string): void {
  for (const s of ['orders', 'consent']) touch(root, `dist/services/${s}/src/main.js`, 10);
  for (const s of ['services/orders/src/main.ts', 'services/consent/src/main.ts', 'libs/crypto/src/seal.ts'])
    touch(root, s, 60);
}

function buildsRun(root: string): number {
  try {
    return readFileSync(join(root, 'builds.log'), 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

const quiet = () => undefined;

describe('the server build the process tests start services from', () => {
  const roots: string[] = [];
  const fresh = () => {
    const root = checkout();
    roots.push(root);
    return root;
  };
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('is stale while a service has no compiled entry point, and names it', () => {
    const root = fresh();
    expect(serverBuildStaleness(root)).toBe('dist/services/consent/src/main.js is missing');
    expect(() => builtServiceEntry(root, 'orders')).toThrow(
      /dist\/services\/orders\/src\/main\.js is missing.*build:server/,
    );
  });

  it('is stale when a service or lib source is newer than the oldest entry point, fresh otherwise', () => {
    const root = fresh();
    builtAfterItsSources(root);
    expect(serverBuildStaleness(root)).toBeNull();
    touch(root, 'libs/crypto/src/seal.ts');
    expect(serverBuildStaleness(root)).toMatch(/newer than the build output/);
  });

  it('ignores what the server build does not compile: tests, libs/testing, the console and its generated types', () => {
    const root = fresh();
    builtAfterItsSources(root);
    for (const s of [
      'services/orders/src/vault/vault.int-spec.ts',
      'services/orders/src/imports/cells.spec.ts',
      'services/orders/test/orders.e2e-spec.ts',
      'services/orders/test/harness.ts',
      'libs/testing/src/kafka.ts',
      'services/console/src/api/schema.d.ts',
    ])
      touch(root, s);
    expect(serverBuildStaleness(root)).toBeNull();
  });

  it('builds once when stale, and a second caller finds the first one’s build fresh', async () => {
    const root = fresh();
    await Promise.all([buildServerIfStale(root, quiet), buildServerIfStale(root, quiet)]);
    expect(buildsRun(root)).toBe(1);
    expect(serverBuildStaleness(root)).toBeNull();
    expect(builtServiceEntry(root, 'orders')).toBe(serviceEntryPath(root, 'orders'));
    await buildServerIfStale(root, quiet);
    expect(buildsRun(root)).toBe(1);
  });

  it('takes over a lock left by a run that was killed', async () => {
    const root = fresh();
    mkdirSync(join(root, 'dist', '.server-build-lock'), { recursive: true });
    // A pid above Linux's pid_max (2^22) belongs to no process.
    writeFileSync(join(root, 'dist', '.server-build-lock', 'pid'), String(2 ** 22 + 1));
    await buildServerIfStale(root, quiet);
    expect(buildsRun(root)).toBe(1);
  });

  it('is wanted only when the run selects a process-spawning test (no path filter selects every test)', () => {
    const rootDir = '/repo';
    const run = (...patterns: string[]) =>
      selectsProcessTests({ rootDir, testPathPatterns: new TestPathPatterns(patterns) });
    expect(run()).toBe(true);
    expect(run('services/standalone')).toBe(true);
    expect(run('service-processes')).toBe(true);
    expect(run('chaos')).toBe(true);
    expect(run('services/orders', 'libs/messaging')).toBe(false);
    expect(run('services/standalone/test/api-description')).toBe(false);
  });
});
