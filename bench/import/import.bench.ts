/**
 * Import throughput (issue §10): a generated Tmall export through the real import use case —
 * format and encoding detection, CSV parsing, unmasked-PII scan, mapping, data keys, AES-256-GCM
 * sealing, upserts and outbox events — against embedded PostgreSQL; the same file imported again
 * (every order unchanged); the storage floor (the import's own final rows copied into a fresh schema,
 * no parsing or crypto); then the same file loaded with a raw `COPY … FROM STDIN` into a plain
 * table, in the same run. Not a test: it prints figures.
 *
 *   npm run build:server && node --max-old-space-size=256 dist/bench/import/import.bench.js \
 *     [rows=1000000] [existing.csv] [--threads N] [--no-reimport] [--no-floor] [--profile] [--alloc-profile] [--explain]
 *
 * `--threads N`: the import's worker threads (default: the service's default, IMPORT_WORKER_THREADS
 * or cores − 1; 0 = every row on the importing thread). `--profile`: a CPU profile of the importing
 * thread during the first import, written beside the CSV and summed per step in µs per row.
 * `--explain`: after the imports, the plans (EXPLAIN ANALYZE, rolled back) of a chunk's statements
 * on the filled table — the known-order lookup, the unchanged-row mark, and an insert of 2,000 new
 * orders and lookup rows with the lookup rows' foreign-key trigger — printed to stderr.
 *
 * The raw-file COPY baseline drives pg's own copy-in protocol messages (copyData/copyDone) through a
 * small submittable, the way pg-copy-streams does (kept as it was, so figures stay comparable).
 */
import { ReceiverLookupRepository } from '../../services/orders/src/vault/receiver-lookup.repository';
import 'reflect-metadata';
import { once } from 'node:events';
import {
  appendFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type PoolClient } from 'pg';
import { generateSecretsEnv, loadBlindIndex, loadCryptoKeys } from '../../libs/crypto/src';
import { copyRows, createDatabaseIfMissing, startEmbeddedPostgres } from '../../libs/persistence/src';
import { ImportJobRepository } from '../../services/orders/src/imports/import-job.repository';
import { ImportOrders } from '../../services/orders/src/imports/import-orders.use-case';
import { IngestOrderChunk } from '../../services/orders/src/imports/ingest-order-chunk';
import { OrderRepository } from '../../services/orders/src/order-book/order.repository';
import { openOrdersDataSource } from '../../services/orders/src/orders.database';
import { BuyerDataKeys } from '../../services/orders/src/vault/buyer-data-keys';
import { DataKeyRepository } from '../../services/orders/src/vault/data-key.repository';
import { ImportWorkerPool } from '../../services/orders/src/imports/import-worker-pool';
import { generateTmallExport, TMALL_HEADER } from './generate-tmall';
import { describeSettings, pgSettingsFromEnv } from '../pg-settings';
import { allocationProfiled, breakdown, profiled } from './profile-breakdown';
import { postmasterPid, serverCpuSeconds } from '../cpu';

const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith('--') && a !== '--threads'));
const threadsAt = process.argv.indexOf('--threads');
const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--threads');
const ROWS = Number(positional[0] ?? 1_000_000);
const FILE = positional[1];
const THREADS = threadsAt > 0 ? Number(process.argv[threadsAt + 1]) : undefined;
const MiB = 1024 * 1024;

/** `COPY … FROM STDIN` over pg's protocol messages, with back-pressure on the socket. */
class CopyFromStdin {
  rowCount = 0;
  private error: Error | null = null;
  private settle!: { resolve: () => void; reject: (e: Error) => void };
  readonly done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(
    readonly text: string,
    private readonly source: AsyncIterable<Buffer>,
  ) {}

  submit(connection: any): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: any): void {
    void (async () => {
      try {
        for await (const chunk of this.source) {
          connection.sendCopyFromChunk(chunk);
          if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
        }
        connection.endCopyFrom();
      } catch (err) {
        connection.sendCopyFail(String(err));
      }
    })();
  }

  handleCommandComplete(msg: { text: string }): void {
    this.rowCount = Number(/COPY (\d+)/.exec(msg.text)?.[1] ?? 0);
  }

  handleError(err: Error): void {
    this.error = err;
  }

  handleReadyForQuery(): void {
    if (this.error) this.settle.reject(this.error);
    else this.settle.resolve();
  }
}

async function main(): Promise<void> {
  const file = FILE ?? join(mkdtempSync(join(tmpdir(), 'siyu-bench-import-')), `tmall-${ROWS}.csv`);
  if (!existsSync(file)) {
    const t = Date.now();
    await generateTmallExport(ROWS, file);
    console.log(
      `generated ${ROWS.toLocaleString('en')} rows (${(statSync(file).size / MiB).toFixed(0)} MiB) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  // PG_SETTINGS=name=value,… for the embedded server (bench/pg-settings.ts); defaults otherwise.
  const settings = pgSettingsFromEnv();
  const pg = process.env.DATABASE_URL
    ? { adminUrl: process.env.DATABASE_URL, stop: async () => {} }
    : await startEmbeddedPostgres({
        dataDir: mkdtempSync(join(tmpdir(), 'siyu-bench-pg-')),
        persistent: false,
        settings,
        // PG_LOG=<file> keeps the server's log (e.g. auto_explain's plans through PG_SETTINGS).
        ...(process.env.PG_LOG ? { onLog: (line: string) => appendFileSync(process.env.PG_LOG!, line) } : {}),
      });
  console.error(`server settings: ${describeSettings(settings)}`);
  try {
    const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `bench_import_${Date.now()}`);
    const env = generateSecretsEnv();
    const ds = await openOrdersDataSource(adminUrl);
    const orders = new OrderRepository(ds);
    const workers =
      THREADS === undefined
        ? ImportWorkerPool.fromEnv(env)
        : new ImportWorkerPool(env.FULFILMENT_BLIND_INDEX_KEY!, THREADS);
    console.error(`import worker threads: ${workers.threads}`);
    const importOrders = new ImportOrders(
      ds,
      new ImportJobRepository(ds),
      new IngestOrderChunk(
        orders,
        new BuyerDataKeys(loadCryptoKeys(env, 'FULFILMENT'), new DataKeyRepository()),
        loadBlindIndex(env, 'FULFILMENT'),
        new ReceiverLookupRepository(),
      ),
      workers,
    );

    // Where the resident memory is (issue 15: peak RSS ≤ 256 MiB): the process before the import
    // starts (Nest app, TypeORM, pg, the worker threads started), then every 500 ms during it —
    // resident set, this thread's V8 heap, and memory outside any V8 heap (Buffers, COPY text).
    const rssNow = () =>
      Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
    const rssBefore = rssNow();
    const memory: { rss: number; heap: number; external: number }[] = [];
    const memorySampler = setInterval(() => {
      const m = process.memoryUsage();
      memory.push({ rss: rssNow(), heap: m.heapUsed / MiB, external: (m.external + m.arrayBuffers) / MiB });
    }, 500);
    const postmaster = await postmasterPid((sql) => ds.query(sql));
    const server0 = serverCpuSeconds(postmaster).postgres;
    const node0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const firstImport = () =>
      importOrders.execute({
        platform: 'tmall',
        shopId: 'bench-shop',
        requestedBy: 'bench',
        source: createReadStream(file, { highWaterMark: 256 * 1024 }),
        onProgress: (s) => {
          if (s.rows % 100_000 < 2500) console.error(`  ${s.rows.toLocaleString('en')} rows`);
        },
      });
    const profileFile = `${file}.import-${Date.now()}.cpuprofile`;
    let allocationSites: Record<string, string> | null = null;
    const { result: summary, profile } = flags.has('--profile')
      ? await profiled(profileFile, firstImport)
      : flags.has('--alloc-profile')
        ? await allocationProfiled(firstImport).then(({ result, topSites }) => {
            allocationSites = topSites;
            return { result, profile: null };
          })
        : { result: await firstImport(), profile: null };
    const importSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const serverCpu = serverCpuSeconds(postmaster).postgres - server0;
    const nodeCpu = process.cpuUsage(node0);
    const nodeCpuSeconds = (nodeCpu.user + nodeCpu.system) / 1e6;
    const importRss = process.resourceUsage().maxRSS / 1024;
    clearInterval(memorySampler);
    const peakOf = (k: 'rss' | 'heap' | 'external') => Math.round(Math.max(0, ...memory.map((m) => m[k])));
    const workerBatches = workers.screenedBatches;
    const workerChunks = workers.sealedChunks;
    // A newer export of the same orders is the daily case: nothing to seal, each order marked read.
    let again: { unchanged: number; rows: number; seconds: number } | null = null;
    if (!flags.has('--no-reimport')) {
      console.error('import done; the same file again (every order unchanged)…');
      const t2 = process.hrtime.bigint();
      const s = await importOrders.execute({
        platform: 'tmall',
        shopId: 'bench-shop',
        requestedBy: 'bench',
        source: createReadStream(file, { highWaterMark: 256 * 1024 }),
      });
      again = { unchanged: s.unchanged, rows: s.rows, seconds: Number(process.hrtime.bigint() - t2) / 1e9 };
    }
    await workers.destroy();
    if (flags.has('--explain')) await explainChunkStatements(ds);
    let floor: { orders: number; seconds: number } | null = null;
    if (!flags.has('--no-floor')) {
      console.error('storage floor…');
      floor = await storageFloor(ds, pg.adminUrl);
    }
    console.error('COPY baseline…');
    await ds.destroy();

    // Baseline: the same bytes, no parsing in Node, straight into a table of text columns.
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    const columns = TMALL_HEADER.split(',').map((_, i) => `c${i} text`);
    await client.query(`CREATE TABLE plain_tmall (${columns.join(', ')})`);
    const t1 = process.hrtime.bigint();
    const copy = new CopyFromStdin(
      `COPY plain_tmall FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')`,
      createReadStream(file, { highWaterMark: 256 * 1024 }),
    );
    await client.query(copy as any);
    await copy.done;
    const copySeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    await client.end();

    const importRate = summary.rows / importSeconds;
    const copyRate = copy.rowCount / copySeconds;
    console.log(
      JSON.stringify(
        {
          rows: summary.rows,
          accepted: summary.accepted,
          rejectedRows: summary.rejectedRows,
          import: {
            workerThreads: workers.threads,
            workerBatches,
            workerSealedChunks: workerChunks,
            seconds: +importSeconds.toFixed(1),
            rowsPerSecond: Math.round(importRate),
            // CPU per data row: this process (all its threads) and the PostgreSQL server (all backends).
            nodeCpuMicrosPerRow: Math.round((nodeCpuSeconds * 1e6) / summary.rows),
            serverCpuMicrosPerRow: Math.round((serverCpu * 1e6) / summary.rows),
          },
          reimportUnchanged: again && {
            unchanged: again.unchanged,
            seconds: +again.seconds.toFixed(1),
            rowsPerSecond: Math.round(again.rows / again.seconds),
          },
          copy: {
            rows: copy.rowCount,
            seconds: +copySeconds.toFixed(1),
            rowsPerSecond: Math.round(copyRate),
          },
          storageFloor: floor && {
            orders: floor.orders,
            seconds: +floor.seconds.toFixed(1),
            rowsPerSecond: Math.round(floor.orders / floor.seconds),
          },
          importToCopyRatio: +(importRate / copyRate).toFixed(3),
          importToStorageFloorRatio: floor && +(importRate / (floor.orders / floor.seconds)).toFixed(3),
          // The importing thread's busy time by step, per cent (workers' time is not in it).
          importingThreadProfileShares: profile && { profile: profileFile, ...breakdown(profile) },
          allocationSites,
          peakRssMiB: Math.round(importRss),
          memoryMiB: {
            rssBeforeImport: Math.round(rssBefore),
            peakRssDuringImport: peakOf('rss'),
            peakMainThreadHeap: peakOf('heap'),
            peakOutsideV8Heaps: peakOf('external'),
          },
          peakRssMiBWholeRun: Math.round(process.resourceUsage().maxRSS / 1024),
        },
        null,
        2,
      ),
    );
  } finally {
    await pg.stop();
  }
}

/**
 * The storage floor (issue 15): the import's own final rows — data keys, orders, lookup rows, outbox
 * events, exactly as stored — copied with `COPY … FROM STDIN` into a fresh orders schema (same
 * migrations, indexes and constraints) in one transaction. No parsing, no crypto: what PostgreSQL
 * alone takes for the rows an import must write. The rows go through files, not memory.
 */
async function storageFloor(
  source: DataSource,
  adminUrl: string,
): Promise<{ orders: number; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-bench-floor-'));
  const runner = source.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  try {
    for (const table of FLOOR_TABLES) {
      await pipeline(client.query(copyTo(`COPY ${table} TO STDOUT`)), createWriteStream(join(dir, table)));
    }
  } finally {
    await runner.release();
  }
  const target = await openOrdersDataSource(
    await createDatabaseIfMissing(adminUrl, `bench_floor_${Date.now()}`),
  );
  try {
    const t = process.hrtime.bigint();
    let orders = 0;
    await target.transaction(async (tx) => {
      for (const table of FLOOR_TABLES) {
        const [{ columns }]: { columns: string[] }[] = await tx.query(
          `SELECT array_agg(attname::text ORDER BY attnum) AS columns FROM pg_attribute
            WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
          [table],
        );
        const n = await copyRows(tx, table, columns, createReadStream(join(dir, table), 'utf8'));
        if (table === 'orders') orders = n;
      }
    });
    return { orders, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
  } finally {
    await target.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The plans of one chunk's statements on the table the import filled, each in a transaction that is
 * rolled back: which index each uses, what the unchanged-row path costs, and how much of a new
 * order's insert goes to the foreign-key checks (PostgreSQL runs them as per-row triggers).
 */
async function explainChunkStatements(ds: DataSource): Promise<void> {
  const plan = async (title: string, sql: string, params: unknown[] = []) => {
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    try {
      const rows: { 'QUERY PLAN': string }[] = await runner.query(
        `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
        params,
      );
      console.error(`\n== ${title}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  };
  const ids: { platform_order_id: string }[] = await ds.query(
    'SELECT platform_order_id FROM orders ORDER BY created_at DESC LIMIT 2000',
  );
  await plan(
    'known orders of a 2,000-order chunk (findKnownOrders)',
    `SELECT platform_order_id, order_ref, content_fingerprint, status, source_modified_at, last_import_id, last_import_row
       FROM orders WHERE platform = $1 AND shop_id = $2 AND platform_order_id = ANY($3::text[])`,
    ['tmall', 'bench-shop', ids.map((r) => r.platform_order_id)],
  );
  await plan(
    'unchanged rows of a 2,000-order chunk (markUnchanged)',
    `UPDATE orders o SET last_import_id = gen_random_uuid(), last_import_row = v.row
       FROM (SELECT order_ref, row_number() OVER () AS row FROM orders ORDER BY created_at DESC LIMIT 2000) v
      WHERE o.order_ref = v.order_ref`,
  );
  await plan(
    '2,000 new orders (the rows COPY writes; no foreign key since ADR 0014)',
    `INSERT INTO orders (order_ref, platform, shop_id, platform_order_id, status, amount_cents, ordered_at, lines,
                         buyer_pseudonym, buyer_id_sealed, receiver_sealed, content_fingerprint)
     SELECT gen_random_uuid(), platform, shop_id, platform_order_id || '-x', status, amount_cents, ordered_at, lines,
            buyer_pseudonym, buyer_id_sealed, receiver_sealed, content_fingerprint
       FROM orders ORDER BY created_at DESC LIMIT 2000`,
  );
  await plan(
    "2,000 new orders' lookup rows, with their foreign-key check",
    `WITH o AS (DELETE FROM order_lookup WHERE order_ref IN
                  (SELECT order_ref FROM orders ORDER BY created_at DESC LIMIT 2000) RETURNING *)
     INSERT INTO order_lookup SELECT * FROM o`,
  );
}

// In foreign-key order.
const FLOOR_TABLES = ['data_keys', 'orders', 'order_lookup', 'outbox'];

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
