import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Tests that run services as their containers do (`node dist/services/<name>/src/main.js`). The
 * jest global setup builds the server once, before any test starts, when one of these is selected
 * and the build output is older than its sources; the tests themselves only read dist. (A test that
 * rebuilt dist itself replaced the files under the processes another test file had just started.)
 */
export const PROCESS_SPAWNING_TESTS = [
  'services/standalone/test/service-processes.e2e-spec.ts',
  'services/standalone/test/chaos.e2e-spec.ts',
];

/** The compiled entry point of a service, as the Dockerfile runs it. */
export function serviceEntryPath(root: string, service: string): string {
  return join(root, 'dist', 'services', service, 'src', 'main.js');
}

/**
 * The entry point of a service for a process-spawning test; a missing build output is a precise
 * failure (the global setup builds it when such a test is selected and a broker is configured).
 */
export function builtServiceEntry(root: string, service: string): string {
  const entry = serviceEntryPath(root, service);
  if (!existsSync(entry))
    throw new Error(
      `${relative(root, entry)} is missing: run \`npm run build:server\` (the jest global setup does when it selects this test)`,
    );
  return entry;
}

/**
 * Sources compiled by `npm run build:server` (tsconfig.build.json): services and libs, without
 * tests, libs/testing and the console (whose generated API types change after every build).
 */
function isServerSource(root: string, path: string): boolean {
  const rel = relative(root, path).split(sep).join('/');
  if (!rel.endsWith('.ts') || /\.(spec|int-spec|e2e-spec)\.ts$/.test(rel)) return false;
  if (rel.startsWith('libs/testing/') || rel.startsWith('services/console/')) return false;
  return !rel.split('/').includes('test');
}

function newestSourceMtime(root: string, dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(root, path));
    else if (isServerSource(root, path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Services with an entry point (`src/main.ts`) whose compiled form the process tests start. */
function servicesWithEntry(root: string): string[] {
  return readdirSync(join(root, 'services')).filter((s) =>
    existsSync(join(root, 'services', s, 'src', 'main.ts')),
  );
}

/** Why dist must be rebuilt, or null when every service's entry point is newer than every server source. */
export function serverBuildStaleness(root: string): string | null {
  const entries = servicesWithEntry(root).map((s) => serviceEntryPath(root, s));
  const missing = entries.find((e) => !existsSync(e));
  if (missing) return `${relative(root, missing)} is missing`;
  const built = Math.min(...entries.map((e) => statSync(e).mtimeMs));
  const newest = Math.max(
    newestSourceMtime(root, join(root, 'libs')),
    newestSourceMtime(root, join(root, 'services')),
  );
  return newest > built ? 'a server source is newer than the build output' : null;
}

const LOCK_WAIT_MS = 10 * 60_000;

/**
 * Builds the server (`npm run build:server`) when its output is stale. Two test runs started
 * together in one checkout take turns through a lock directory (its owner's pid inside, so a lock
 * left by a killed run is taken over), and the second finds the first one's build fresh.
 */
export async function buildServerIfStale(
  root: string,
  log: (line: string) => void = console.log,
): Promise<void> {
  if (!serverBuildStaleness(root)) return;
  mkdirSync(join(root, 'dist'), { recursive: true });
  const lock = join(root, 'dist', '.server-build-lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!tryLock(lock)) {
    if (Date.now() > deadline)
      throw new Error(`${relative(root, lock)} held for 10 minutes: remove it if no build runs`);
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    const why = serverBuildStaleness(root);
    if (!why) return;
    log(`building the server for the process tests (${why})…`);
    const began = Date.now();
    const build = spawnSync('npm', ['run', 'build:server'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (build.status !== 0) throw new Error('npm run build:server failed: the process tests need dist');
    log(`server built in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (ownerGone(lock)) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

function ownerGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // Just made and its pid not written yet, or left without one: gone only once it is old.
    const made = statSync(lock, { throwIfNoEntry: false });
    return made !== undefined && Date.now() - made.mtimeMs > 60_000;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The part of jest's global config the setup reads: which test files the run selected. */
export interface SelectedTests {
  rootDir: string;
  testPathPatterns?: {
    isSet(): boolean;
    toExecutor(o: { rootDir: string }): { isMatch(p: string): boolean };
  };
}

/** Does this jest run select a test that starts services from dist? (No path filter selects all.) */
export function selectsProcessTests(config: SelectedTests): boolean {
  const patterns = config.testPathPatterns;
  if (!patterns || !patterns.isSet()) return true;
  const executor = patterns.toExecutor({ rootDir: config.rootDir });
  return PROCESS_SPAWNING_TESTS.some((t) => executor.isMatch(join(config.rootDir, t)));
}
