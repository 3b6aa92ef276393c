import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { generateAuthKeyPem } from '@siyu/auth';
import { generateSecretsEnv } from '@siyu/crypto';
import { TOPICS } from '@siyu/contracts';
import { KafkaTransport } from '@siyu/messaging';
import { freePort } from '@siyu/persistence';
import {
  builtServiceEntry,
  createTestDatabase,
  describeWithKafka,
  uniqueTopicPrefix,
  waitFor,
} from '@siyu/testing';

const root = join(__dirname, '..', '..', '..');
// Producers before consumers, as docker-compose.yml orders them (depends_on … service_healthy):
// two services creating one topic at the same moment can see it before its partitions have leaders.
const SERVICES = ['identity', 'consent', 'orders', 'audience', 'outreach'] as const;

/**
 * What docker-compose.yml runs, without Docker: each service as its own process with the same
 * command (`node dist/services/<name>/src/main.js`), real PostgreSQL (DATABASE_URL) and real Kafka.
 */
describeWithKafka('every service as its own process, as the containers run them', (brokers) => {
  const running: { name: string; child: ChildProcess; port: number; out: string[]; err: string[] }[] = [];

  beforeAll(async () => {
    // The build output the jest global setup brought up to date before any test started.
    const entries = new Map(SERVICES.map((name) => [name, builtServiceEntry(root, name)]));
    const { publicKeyPem, privateKeyPem } = generateAuthKeyPem();
    const topicPrefix = uniqueTopicPrefix('procs');
    // Topics exist before the services start, as the runbook's first start creates them: a consumer
    // subscribing to a topic created a moment earlier can be refused by the broker (docs/runbook.md).
    const admin = new KafkaTransport({ brokers, clientId: 'procs-admin', partitions: 3, topicPrefix });
    await admin.connect();
    await admin.ensureTopics(Object.values(TOPICS));
    await admin.disconnect();
    await new Promise((r) => setTimeout(r, 1000));
    const env = {
      PATH: process.env.PATH,
      DATABASE_URL: await createTestDatabase('procs'),
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      AUTH_PUBLIC_KEY: publicKeyPem,
      BRAND_ID: 'demo',
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      ...generateSecretsEnv(),
    };
    for (const name of SERVICES) {
      const port = await freePort();
      // docker-compose.yml restarts a service that exits (restart: unless-stopped); so does this
      // harness, at most twice, for the one start-up failure seen here: kafkajs asking a KRaft broker
      // for a topic's metadata a moment too early ("does not host this topic-partition").
      for (let attempt = 1; ; attempt++) {
        const out: string[] = [];
        const err: string[] = [];
        const child = spawn(process.execPath, [entries.get(name)!], {
          cwd: root,
          env: {
            ...env,
            PORT: String(port),
            ...(name === 'identity' ? { AUTH_PRIVATE_KEY: privateKeyPem } : {}),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout!.on('data', (d: Buffer) => out.push(...d.toString('utf8').split('\n').filter(Boolean)));
        child.stderr!.on('data', (d: Buffer) => err.push(...d.toString('utf8').split('\n').filter(Boolean)));
        const started = await waitFor(
          async () => {
            if (child.exitCode !== null) return 'exited';
            return out.some((l) => l.includes(`${name} listening on`)) ? 'listening' : null;
          },
          `${name} listening`,
          60_000,
          100,
        );
        if (started === 'listening') {
          running.push({ name, child, port, out, err });
          break;
        }
        const why = err.filter((l) => l.includes('failed to start')).join(' | ');
        if (attempt === 3 || !why.includes('does not host this topic-partition'))
          throw new Error(`${name} exited: ${why || err.slice(-3).join(' | ')}`);
        console.warn(`${name} restarted after: ${why}`);
      }
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(
      running.map(
        ({ child }) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      ),
    );
  });

  it('each becomes ready: database, broker, outbox, and for outreach a fresh consent watermark over Kafka', async () => {
    for (const { name, port, err, child } of running) {
      const ready = await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`${name} exited: ${err.slice(-3).join(' | ')}`);
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/health/ready`).catch(() => null);
          return res?.status === 200
            ? ((await res.json()) as { details: Record<string, { status: string }> })
            : null;
        },
        `${name} ready`,
        60_000,
        250,
      );
      expect(ready!.details[`${name}.database`]).toEqual({ status: 'up' });
      if (name !== 'identity') expect(ready!.details[`${name}.broker`]).toEqual({ status: 'up' });
    }
    const outreach = running.find((r) => r.name === 'outreach')!;
    const res = await fetch(`http://127.0.0.1:${outreach.port}/api/v1/health/ready`);
    expect(((await res.json()) as { details: object }).details).toHaveProperty(
      ['outreach.consent-watermark', 'status'],
      'up',
    );
  });

  it('each logs one JSON object per stdout line, naming itself, and serves /metrics', async () => {
    for (const { name, port, out } of running) {
      const records = out.map((l) => JSON.parse(l) as { service: string; msg: string });
      expect(
        records.some(
          (r) => r.service === name && r.msg.startsWith(`${name} listening on http://127.0.0.1:${port}`),
        ),
      ).toBe(true);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain(`siyu_outbox_backlog{service="${name}"}`);
    }
  });
});
