import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ExportBatchTask, ScreenedBatch } from './export-batch-task';
import type { SealChunkTask, SealedChunk } from './sealed-chunk';

interface Pending {
  resolve: (result: never) => void;
  reject: (err: Error) => void;
}

interface PoolThread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Worker threads for imports (issue 15): they parse, screen, map and digest batches of CSV
 * records, and seal each chunk's orders and build its COPY text, while the importing thread
 * assembles orders, holds the chunk transactions and pipes the text to PostgreSQL. `IMPORT_WORKER_THREADS` sets their number (0: everything on the importing thread);
 * by default one fewer than the machine's cores, at least one, at most four. Threads start on
 * first use, never keep the process alive when idle, and stop with the application.
 */
export class ImportWorkerPool {
  private readonly pool: PoolThread[] = [];
  private nextId = 0;
  private stopped = false;
  /** Batches handed to the threads so far (the bench and tests read it). */
  screenedBatches = 0;
  /** Chunks sealed on the threads so far. */
  sealedChunks = 0;

  constructor(
    private readonly blindIndexKey: string,
    readonly threads = defaultThreads(),
  ) {}

  /** From the orders service's settings (FULFILMENT_BLIND_INDEX_KEY, IMPORT_WORKER_THREADS). */
  static fromEnv(env: Record<string, string | undefined>): ImportWorkerPool {
    const key = env.FULFILMENT_BLIND_INDEX_KEY;
    if (!key) throw new Error('FULFILMENT_BLIND_INDEX_KEY is not set');
    const raw = env.IMPORT_WORKER_THREADS?.trim();
    const threads = raw ? Number(raw) : defaultThreads();
    if (!Number.isInteger(threads) || threads < 0 || threads > 64)
      throw new Error('IMPORT_WORKER_THREADS must be a whole number from 0 to 64');
    return new ImportWorkerPool(key, threads);
  }

  get enabled(): boolean {
    return this.threads > 0 && !this.stopped;
  }

  /** Screens one batch on the least busy thread. */
  screen(task: ExportBatchTask): Promise<ScreenedBatch> {
    this.screenedBatches++;
    // The bytes are a copy made for this task: moved to the worker, not copied again.
    return this.run<ScreenedBatch>('screen', task, [task.bytes.buffer as ArrayBuffer]);
  }

  /** Seals one chunk's orders and builds its COPY text on the least busy thread. */
  sealChunk(task: SealChunkTask): Promise<SealedChunk> {
    this.sealedChunks++;
    return this.run<SealedChunk>('seal', task, [task.keyBytes.buffer as ArrayBuffer]);
  }

  private run<R>(kind: 'screen' | 'seal', task: unknown, transfer: ArrayBuffer[]): Promise<R> {
    const thread = this.leastBusy();
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve: resolve as (result: never) => void, reject });
      thread.worker.postMessage({ id, kind, task }, transfer);
    });
  }

  async destroy(): Promise<void> {
    this.stopped = true;
    const threads = this.pool.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.destroy();
  }

  private leastBusy(): PoolThread {
    if (this.pool.length < this.threads) {
      const thread = this.start();
      this.pool.push(thread);
      return thread;
    }
    return this.pool.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private start(): PoolThread {
    const thread: PoolThread = { worker: startWorker(this.blindIndexKey), pending: new Map() };
    thread.worker.unref();
    thread.worker.on('message', (msg: { id: number; result?: never; error?: string }) => {
      const waiting = thread.pending.get(msg.id);
      thread.pending.delete(msg.id);
      if (thread.pending.size === 0) thread.worker.unref();
      if (msg.error !== undefined) waiting?.reject(new Error(`import worker: ${msg.error}`));
      else waiting?.resolve(msg.result!);
    });
    const fail = (err: Error) => {
      // A thread that died takes its tasks with it; the next task starts a new one.
      const index = this.pool.indexOf(thread);
      if (index >= 0) this.pool.splice(index, 1);
      for (const waiting of thread.pending.values()) waiting.reject(err);
      thread.pending.clear();
    };
    thread.worker.on('error', fail);
    thread.worker.on('exit', (code) => fail(new Error(`import worker stopped (exit code ${code})`)));
    return thread;
  }
}

/**
 * None on 2 cores or fewer: there PostgreSQL needs the other core, and handing batches to a worker
 * and back cost more than it saved. Same run, quiet 2-core machine, 1,000,000 rows: no worker
 * 9,344 rows/s, 86 µs Node CPU per row, peak RSS 368 MiB; one worker 7,510 rows/s, 129 µs, 421 MiB
 * (docs/benchmarks.md, issue 15). With more cores, cores − 1 (at most 4): not measured here.
 */
export function defaultThreads(cores = availableParallelism()): number {
  return cores <= 2 ? 0 : Math.min(4, cores - 1);
}

// Heap of each worker: a batch (≤ ~1.5 MiB) and its screened rows are far below this. The small
// young generation took bench:import's peak RSS with one worker from 244–253 to 229 MiB (issue 15: ≤ 256).
const WORKER_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 };

/**
 * The compiled worker beside this compiled file; run from TypeScript sources (jest, ts-node), the
 * same worker is compiled on load by @swc/core (a dev dependency), so tests run real threads too.
 */
function startWorker(blindIndexKey: string): Worker {
  const compiled = join(__dirname, 'import-worker.js');
  const workerData = { blindIndexKey };
  if (existsSync(compiled)) return new Worker(compiled, { workerData, resourceLimits: WORKER_LIMITS });
  return new Worker(fromTypeScriptSources(join(__dirname, 'import-worker.ts')), {
    eval: true,
    workerData,
    resourceLimits: WORKER_LIMITS,
  });
}

function fromTypeScriptSources(entry: string): string {
  const root = resolve(__dirname, '../../../..');
  return `
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const swc = require('@swc/core');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request.startsWith('@siyu/')) request = join(${JSON.stringify(root)}, 'libs', request.slice(6), 'src');
  return resolveFilename.call(this, request, ...rest);
};
Module._extensions['.ts'] = function (module, filename) {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(${JSON.stringify(entry)});
`;
}
