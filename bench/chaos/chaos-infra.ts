import { execFile, spawn } from 'node:child_process';
import { openSync, closeSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../libs/persistence/src';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The chaos runner's own PostgreSQL and Kafka broker (issue 14 §1): a run restarts both, so it must
 * never share them with anything else (the test suite's embedded PostgreSQL and the broker of
 * `npm run kafka:start` serve other test files at the same time).
 *
 * - PostgreSQL: embedded, persistent cluster (fsync on) on a fixed port; a restart is an immediate
 *   shutdown (SIGQUIT to the postmaster: no checkpoint, WAL recovery at the next start — what a crash
 *   looks like to the services) and a start on the same port.
 * - Kafka: single-node KRaft started by infra/kafka/kafka.sh on free ports; a restart is a SIGKILL of
 *   the broker's JVM and a start of the same command on the same data directory (logs, offsets and
 *   group state survive, as on a real broker restart).
 */
export interface ChaosInfrastructure {
  adminUrl: string;
  brokers: string[];
  restartPostgres(): Promise<number>;
  restartKafka(): Promise<number>;
  stop(): Promise<void>;
}

export async function startChaosInfrastructure(root: string, log: (l: string) => void = () => {}) {
  const pgDir = mkdtempSync(join(tmpdir(), 'siyu-chaos-pg-'));
  const pgPort = await freePort();
  const startPg = () => startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, persistent: true });
  let pg: EmbeddedPostgresHandle = await startPg();

  const kafkaDir = join(mkdtempSync(join(tmpdir(), 'siyu-chaos-kafka-')), 'broker');
  const kafkaPort = await freePort();
  const kafkaEnv = {
    ...process.env,
    KAFKA_DATA_DIR: kafkaDir,
    KAFKA_PORT: String(kafkaPort),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_HEAP_OPTS: '-Xmx384m -Xms128m',
    KAFKA_START_TIMEOUT: '180',
  };
  const kafkaSh = join(root, 'infra', 'kafka', 'kafka.sh');
  try {
    await run('bash', [kafkaSh, 'start'], { env: kafkaEnv, maxBuffer: 1 << 20 });
  } catch (err) {
    await pg.stop();
    rmSync(pgDir, { recursive: true, force: true });
    throw new Error(`chaos: own Kafka broker did not start: ${(err as { stderr?: string }).stderr ?? err}`);
  }
  log(`chaos infrastructure: PostgreSQL :${pgPort}, Kafka :${kafkaPort}`);

  const infra: ChaosInfrastructure = {
    adminUrl: pg.adminUrl,
    brokers: [`127.0.0.1:${kafkaPort}`],
    restartPostgres: async () => {
      const began = Date.now();
      const postmaster = Number(readFileSync(join(pg.clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(postmaster, 'SIGQUIT');
      while (alive(postmaster)) await sleep(50);
      await pg.stop();
      pg = await startPg();
      return Date.now() - began;
    },
    restartKafka: async () => {
      const began = Date.now();
      const pidFile = join(kafkaDir, 'kafka.pid');
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      while (alive(pid)) await sleep(50);
      // The command kafka.sh runs, on the same data directory (kafka.sh start would wipe it).
      const lib = join(root, 'infra', 'kafka', '.cache', 'lib');
      const out = openSync(join(kafkaDir, 'kafka.log'), 'a');
      const child = spawn(
        'java',
        [
          '-Xmx384m',
          '-Xms128m',
          '-XX:+UseG1GC',
          '-Djava.awt.headless=true',
          `-Dlog4j2.configurationFile=${join(root, 'infra', 'kafka', 'log4j2.properties')}`,
          '-cp',
          `${lib}/*`,
          'kafka.Kafka',
          join(kafkaDir, 'server.properties'),
        ],
        { detached: true, stdio: ['ignore', out, out] },
      );
      child.unref();
      closeSync(out);
      writeFileSync(pidFile, String(child.pid));
      const deadline = Date.now() + 120_000;
      while (!(await portOpen(kafkaPort))) {
        if (Date.now() > deadline) throw new Error('chaos: Kafka did not come back within 120 s');
        await sleep(200);
      }
      return Date.now() - began;
    },
    stop: async () => {
      await run('bash', [kafkaSh, 'stop'], { env: kafkaEnv }).catch(() => undefined);
      rmSync(join(kafkaDir, '..'), { recursive: true, force: true });
      await pg.stop();
      rmSync(pgDir, { recursive: true, force: true });
    },
  };
  return infra;
}

/** Whether a process is still there (signal 0 checks without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
