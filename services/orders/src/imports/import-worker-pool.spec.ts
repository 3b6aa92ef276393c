import { availableParallelism } from 'node:os';
import { generateSecretsEnv } from '@siyu/crypto';
import { defaultThreads, ImportWorkerPool } from './import-worker-pool';

describe('ImportWorkerPool settings', () => {
  const env = generateSecretsEnv();

  it('runs every row on the importing thread with IMPORT_WORKER_THREADS=0', () => {
    const pool = ImportWorkerPool.fromEnv({ ...env, IMPORT_WORKER_THREADS: '0' });
    expect(pool.threads).toBe(0);
    expect(pool.enabled).toBe(false);
  });

  it('uses no worker on 2 cores or fewer, else one thread fewer than the cores, at most four', () => {
    expect([1, 2, 3, 4, 8, 16].map((cores) => defaultThreads(cores))).toEqual([0, 0, 2, 3, 4, 4]);
    const pool = ImportWorkerPool.fromEnv(env);
    expect(pool.threads).toBe(defaultThreads(availableParallelism()));
    expect(pool.enabled).toBe(pool.threads > 0);
    expect(ImportWorkerPool.fromEnv({ ...env, IMPORT_WORKER_THREADS: '3' }).threads).toBe(3);
    expect(ImportWorkerPool.fromEnv({ ...env, IMPORT_WORKER_THREADS: '1' }).enabled).toBe(true);
  });

  it('refuses a thread count that is not a whole number from 0 to 64, naming the setting', () => {
    for (const bad of ['-1', '1.5', 'two', '65'])
      expect(() => ImportWorkerPool.fromEnv({ ...env, IMPORT_WORKER_THREADS: bad })).toThrow(
        'IMPORT_WORKER_THREADS must be a whole number from 0 to 64',
      );
  });
});
