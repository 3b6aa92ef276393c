import 'reflect-metadata';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { frontDoorLinks, serveConsoleAndApiDocs } from './console-static';
import { transportFromEnv } from '@siyu/messaging';
import { installObservability, JsonLogger } from '@siyu/observability';
import { databaseFromEnv } from '@siyu/persistence';
import { brandFromEnv } from '../../consent/src/brand-from-env';
import { auditorKeyToProvision, loadOrCreateLocalSecrets, recordDatabaseUrl } from './local-state';
import { StandaloneModule } from './standalone.module';

/** `npm start`: the whole system in one process, embedded PostgreSQL and in-process transport by default. */
async function main(): Promise<void> {
  const dataDir = process.env.SIYU_DATA_DIR ?? join(process.cwd(), '.data');
  const secrets = loadOrCreateLocalSecrets(dataDir);
  const env: Record<string, string | undefined> = {
    // Jobs that tests keep off run in `npm start`: consents with an expiry lapse within a minute.
    CONSENT_EXPIRY_INTERVAL_MS: '60000',
    // The ledger head is signed hourly (R20); proof past its retention is minimised daily.
    LEDGER_ANCHOR_INTERVAL_MS: '3600000',
    CONSENT_PROOF_PURGE_INTERVAL_MS: '86400000',
    // Each service signs its audit chain's head hourly; privacy verifies every chain hourly (R20).
    AUDIT_ANCHOR_INTERVAL_MS: '3600000',
    AUDIT_CHAIN_VERIFY_INTERVAL_MS: '3600000',
    // Impact assessments past their three years (PIPL Art. 56) are deleted daily.
    PIPIA_RETENTION_INTERVAL_MS: '86400000',
    ...secrets,
    ...process.env,
    SIYU_DATA_DIR: dataDir,
  };
  const logger = JsonLogger.fromEnv('standalone', env);
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? '127.0.0.1';
  const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`;
  logger.log(`Siyu: data directory ${dataDir}`, 'main');
  const db = await databaseFromEnv(env, (line) => logger.log(line, 'postgres'));
  recordDatabaseUrl(dataDir, db.adminUrl);
  const transport = transportFromEnv(env, 'siyu-standalone');
  await transport.connect();
  const authKeys = authKeysFromEnv(env);
  const app = await NestFactory.create(
    StandaloneModule.register({
      adminDatabaseUrl: db.adminUrl,
      transport,
      env,
      authKeys,
      brand: brandFromEnv(env),
      publicBaseUrl,
      announce: (line) => logger.log(line, 'announce'),
      // R20: verification runs by default; a key configured in the environment replaces the generated one.
      provisionAuditorApiKey: auditorKeyToProvision(secrets, process.env),
      // The page at `/` links what this process serves: the console once built, the API reference.
      frontDoor: frontDoorLinks(),
    }),
    { rawBody: true, logger },
  );
  installObservability(app, 'standalone', logger);
  installHttpEdge(app, authKeys);
  serveConsoleAndApiDocs(app); // /api/docs, /api-json and the console at /console
  await app.listen(port, host);
  logger.log(
    `Siyu is running at ${publicBaseUrl} (transport: ${transport.name}); start page: ${publicBaseUrl}/, health: ${publicBaseUrl}/api/v1/health/ready`,
    'main',
  );
  const stop = async () => {
    await app.close();
    await transport.disconnect();
    await db.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`Siyu failed to start: ${(err as Error).message}`);
  process.exit(1);
});
