import { availableParallelism } from 'node:os';
import { generateSecretsEnv } from '@siyu/crypto';
import { ImportWorkerPool } from './import-worker-pool';

describe('ImportWorkerPool settings', () => {
  const env = generateSecretsEnv();

  it('runs every row on the importing thread with IMPORT_WORKER_THREADS=0', () => {
    const pool = ImportWorkerPool.fromEnv({ ...env, IMPORT_WORKER_THREADS: '0' });
    expect(pool.threads).toBe(0);
    expect(pool.enabled).toBe(false);
  });

  it('uses one thread fewer than the cores by default, at least one and at most four', () => {
    const pool = ImportWorkerPool.fromEnv(env);
    expect(pool.threads).toBe(Math.min(4, Math.max(1, availableParallelism() - 1)));
    expect(pool.enabled).toBe(true);
    expect(ImportWorkerPool.fromEnv({ ...env, IMPORT_WORKER_THREADS: '3' }).threads).toBe(3);
  });

  it('refuses a thread count that is not a whole number from 0 to 64, naming the setting', () => {
    for (const bad of ['-1', '1.5', 'two', '65'])
      expect(() => ImportWorkerPool.fromEnv({ ...env, IMPORT_WORKER_THREADS: bad })).toThrow(
        'IMPORT_WORKER_THREADS must be a whole number from 0 to 64',
      );
  });
});
