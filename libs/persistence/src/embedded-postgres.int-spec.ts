import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresErrorCode, packagedInstall, startEmbeddedPostgres } from './embedded-postgres';

const isRoot = process.getuid?.() === 0;

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A checkout under a private home: `/root/siyu` with /root at mode 0700. */
function privateHome(): { home: string; reachable: string; install: string } {
  const home = mkdtempSync(join(tmpdir(), 'siyu-private-home-'));
  chmodSync(home, 0o700);
  const reachable = mkdtempSync(join(tmpdir(), 'siyu-reachable-'));
  chmodSync(reachable, 0o755);
  // The binaries sit under the private home too, as node_modules does in a real checkout.
  const install = join(home, 'siyu', 'node_modules', 'pg-native');
  mkdirSync(join(home, 'siyu', 'node_modules'), { recursive: true });
  cpSync(packagedInstall(), install, { recursive: true, verbatimSymlinks: true });
  return { home, reachable, install };
}

describe('embedded PostgreSQL started from a private (mode 0700) home directory', () => {
  let dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });

  it('as root, runs a reachable copy of the binaries and keeps the persistent cluster in a recorded reachable place across restarts', async () => {
    if (!isRoot) {
      console.warn(
        'embedded-postgres 0700 case: this assertion needs root (the postgres user switch); ran the non-root case instead',
      );
      const home = mkdtempSync(join(tmpdir(), 'siyu-private-home-'));
      dirs.push(home);
      chmodSync(home, 0o700);
      const pg = await startEmbeddedPostgres({ dataDir: join(home, '.data', 'postgres'), persistent: true });
      expect(pg.clusterDir).toBe(join(home, '.data', 'postgres', 'cluster'));
      expect(await query(pg.adminUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await pg.stop();
      return;
    }
    const { home, reachable, install } = privateHome();
    dirs.push(home, reachable);
    const dataDir = join(home, 'siyu', '.data', 'postgres');
    const said: string[] = [];
    const options = {
      dataDir,
      persistent: true,
      installDir: install,
      relocateTo: reachable,
      announce: (l: string) => said.push(l),
    };

    const first = await startEmbeddedPostgres(options);
    await query(first.adminUrl, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
    await first.stop();
    expect(first.clusterDir.startsWith(reachable)).toBe(true);
    expect(existsSync(join(dataDir, 'cluster-location'))).toBe(true);
    expect(said.some((l) => l.includes('runs a copy in'))).toBe(true);
    expect(said.some((l) => l.includes(`the cluster lives in ${first.clusterDir}`))).toBe(true);

    const second = await startEmbeddedPostgres(options);
    try {
      expect(second.clusterDir).toBe(first.clusterDir);
      expect(await query(second.adminUrl, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
    } finally {
      await second.stop();
    }
  });

  it('as root, starts a throw-away test cluster whose data directory is private and removes it on stop', async () => {
    if (!isRoot) {
      console.warn(
        'embedded-postgres 0700 case: this assertion needs root; ran the non-root throw-away case instead',
      );
      const home = mkdtempSync(join(tmpdir(), 'siyu-private-home-'));
      dirs.push(home);
      chmodSync(home, 0o700);
      const pg = await startEmbeddedPostgres({ dataDir: join(home, 'pg'), persistent: false });
      expect(await query(pg.adminUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await pg.stop();
      expect(existsSync(pg.clusterDir)).toBe(false);
      return;
    }
    const { home, reachable, install } = privateHome();
    dirs.push(home, reachable);
    const pg = await startEmbeddedPostgres({
      dataDir: join(home, 'pg'),
      persistent: false,
      installDir: install,
      relocateTo: reachable,
    });
    expect(pg.clusterDir.startsWith(reachable)).toBe(true);
    expect(await query(pg.adminUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await pg.stop();
    expect(existsSync(pg.clusterDir)).toBe(false);
  });

  it('says in one sentence what to do when the postgres user can reach neither the binaries nor a place for them', async () => {
    if (!isRoot) {
      console.warn(
        'embedded-postgres unreachable case: needs root (a normal user always reaches its own files)',
      );
      expect(isRoot).toBe(false);
      return;
    }
    const { home, reachable, install } = privateHome();
    dirs.push(home, reachable);
    // Relocating into the private home itself cannot help: the error names the fix.
    const stuck = startEmbeddedPostgres({
      dataDir: join(home, 'siyu', '.data', 'other'),
      persistent: true,
      installDir: install,
      relocateTo: join(home, 'still-private'),
    });
    await expect(stuck).rejects.toMatchObject({
      code: EmbeddedPostgresErrorCode.UNREACHABLE,
      message: expect.stringMatching(/^The postgres user [^\n]+ set DATABASE_URL\.$/),
    });
  });
});
