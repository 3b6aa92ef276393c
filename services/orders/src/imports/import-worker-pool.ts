import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { BlindIndex } from '@siyu/crypto';
import { mapRecords, prepareOrders, type MapRecordsTask, type PrepareOrdersTask } from './import-tasks';
import type { ScreenedRecord } from './map-export-record';
import type { OrderFacts } from './order-facts';

// The compiled worker beside this compiled file (dist/…/imports/import-worker.js). Running from
// TypeScript sources (jest) there is none: the same tasks then run on the calling thread.
const WORKER_FILE = join(__dirname, 'import-worker.js');

/**
 * The imports' worker threads (piscina): screening, mapping and keyed digests run there while the
 * importing thread parses the file and streams chunks to PostgreSQL. Threads start on first use
 * and stop with the application (`onApplicationShutdown`) or `destroy()`.
 */
export class ImportWorkerPool {
  private pool: Piscina | null = null;
  private readonly blindIndex: BlindIndex;
  /** Whether tasks run on worker threads (false from TypeScript sources, or with 0 threads). */
  readonly threaded: boolean;

  constructor(
    private readonly blindIndexKey: string,
    private readonly threads = Math.max(1, availableParallelism()),
    private readonly workerFile = WORKER_FILE,
  ) {
    this.blindIndex = BlindIndex.fromBase64(blindIndexKey);
    this.threaded = threads > 0 && existsSync(workerFile);
  }

  /** From the orders service's secrets (FULFILMENT_BLIND_INDEX_KEY); IMPORT_WORKER_THREADS=0 runs in-thread. */
  static fromEnv(env: Record<string, string | undefined>): ImportWorkerPool {
    const key = env.FULFILMENT_BLIND_INDEX_KEY;
    if (!key) throw new Error('FULFILMENT_BLIND_INDEX_KEY is not set');
    const threads = env.IMPORT_WORKER_THREADS === undefined ? undefined : Number(env.IMPORT_WORKER_THREADS);
    return new ImportWorkerPool(key, threads);
  }

  mapRecords(task: MapRecordsTask): Promise<ScreenedRecord[]> {
    const pool = this.started();
    return pool ? pool.run(task, { name: 'mapRecords' }) : Promise.resolve(mapRecords(task));
  }

  prepareOrders(task: PrepareOrdersTask): Promise<OrderFacts[]> {
    const pool = this.started();
    return pool
      ? pool.run(task, { name: 'prepareOrders' })
      : Promise.resolve(prepareOrders(this.blindIndex, task));
  }

  async destroy(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.destroy();
  }

  private started(): Piscina | null {
    if (!this.threaded) return null;
    this.pool ??= new Piscina({
      filename: this.workerFile,
      minThreads: 0,
      maxThreads: this.threads,
      // Idle threads end on their own: an application that imports once a day holds none.
      idleTimeout: 10_000,
      workerData: { blindIndexKey: this.blindIndexKey },
    });
    return this.pool;
  }
}
