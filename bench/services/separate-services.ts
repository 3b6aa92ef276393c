import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { authKeysFromPem, generateAuthKeyPem, issueAccessToken } from '../../libs/auth/src';
import { TOPICS } from '../../libs/contracts/src';
import { generateSecretsEnv } from '../../libs/crypto/src';
import { KafkaTransport } from '../../libs/messaging/src';
import { createDatabaseIfMissing } from '../../libs/persistence/src';

/**
 * The separate services as docker-compose runs them (`node dist/services/<name>/src/main.js`, one
 * process each) over a PostgreSQL and a Kafka broker of the caller's: what the chaos runner (issue
 * 14 §1) and the sustained-load bench's `--target services` (issue 14 §6) both start.
 *
 * `prepareSeparateServices` makes a fresh database and topic prefix, the signing key pair for staff
 * tokens (services get only the public key), every shared secret, and the environment each service
 * process starts with; `spawnService` starts one of them.
 */
export interface SeparateServicesSetup {
  databaseUrl: string;
  topicPrefix: string;
  /** The environment every service process starts with (add PORT per process). */
  env: Record<string, string>;
  /** A staff bearer token for a role, signed with the key the services trust. */
  token(role: 'ops' | 'marketer' | 'privacy_officer' | 'admin'): Promise<string>;
}

export async function prepareSeparateServices(o: {
  adminUrl: string;
  brokers: string[];
  /** Prefix of the database and topic names (e.g. `chaos`, `load`). */
  name: string;
  brandId: string;
  /** Service settings on top of the shared ones (webhook secrets, vendor endpoints, limits). */
  env?: Record<string, string>;
}): Promise<SeparateServicesSetup> {
  const pem = generateAuthKeyPem();
  const keys = authKeysFromPem(pem.publicKeyPem, pem.privateKeyPem);
  const topicPrefix = `t-${o.name}-${randomBytes(4).toString('hex')}.`;
  const databaseUrl = await createDatabaseIfMissing(
    o.adminUrl,
    `${o.name}_${Date.now()}_${randomBytes(2).toString('hex')}`,
  );
  const admin = new KafkaTransport({
    brokers: o.brokers,
    clientId: `${o.name}-admin`,
    partitions: 3,
    topicPrefix,
  });
  await admin.connect();
  await admin.ensureTopics(Object.values(TOPICS));
  await admin.disconnect();
  // Topic metadata reaches every partition leader a moment after creation (the kafkajs metadata race).
  await new Promise((r) => setTimeout(r, 1000));
  return {
    databaseUrl,
    topicPrefix,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: o.brokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      AUTH_PUBLIC_KEY: pem.publicKeyPem,
      BRAND_ID: o.brandId,
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'error',
      ...generateSecretsEnv(),
      ...o.env,
    },
    token: async (role) =>
      `Bearer ${(await issueAccessToken(keys, { id: randomUUID(), role, kind: 'staff' }, 7200)).token}`,
  };
}

/** One service process; its stderr is kept in `err` (the last lines explain a failed start). */
export function spawnService(
  root: string,
  name: string,
  env: Record<string, string>,
  port: number,
): { child: ChildProcess; err: string[] } {
  const err: string[] = [];
  const child = spawn(process.execPath, [join(root, 'dist', 'services', name, 'src', 'main.js')], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => {
    err.push(d.toString('utf8'));
    if (err.length > 200) err.splice(0, err.length - 200);
  });
  return { child, err };
}
