import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { describeApi } from '@siyu/auth';
import { transportFromEnv } from '@siyu/messaging';
import { installObservability, JsonLogger, withObservability } from '@siyu/observability';
import { databaseFromEnv } from '@siyu/persistence';
import { OrdersModule } from './orders.module';

/**
 * Runs the orders service alone: DATABASE_URL (else embedded PostgreSQL), KAFKA_BROKERS (else the
 * in-process transport), AUTH_PUBLIC_KEY, FULFILMENT_KEK, FULFILMENT_BLIND_INDEX_KEY,
 * INVITE_TOKEN_KEYS, BRAND_ID, PUBLIC_BASE_URL, HOST (127.0.0.1; 0.0.0.0 in containers), PORT (3001).
 */
async function main(): Promise<void> {
  const env = process.env;
  const logger = JsonLogger.fromEnv('orders', env);
  const port = Number(env.PORT ?? 3001);
  const host = env.HOST ?? '127.0.0.1';
  // Same default as the consent service: QR tokens name the brand both sides expect.
  const brandId = env.BRAND_ID ?? 'demo';
  if (!/^[a-z0-9-]{1,40}$/.test(brandId))
    throw new Error('BRAND_ID must be 1-40 lower-case letters, digits or -');
  const authKeys = authKeysFromEnv(env);
  const db = await databaseFromEnv(env, (line) => logger.log(line, 'postgres'));
  const transport = transportFromEnv(env, 'orders');
  await transport.connect();
  const app = await NestFactory.create(
    withObservability(
      OrdersModule.register({
        adminDatabaseUrl: db.adminUrl,
        transport,
        env,
        publicBaseUrl: env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`,
        brandId,
      }),
    ),
    // Push webhooks verify their signature over the raw body.
    { rawBody: true, logger },
  );
  installObservability(app, 'orders', logger);
  installHttpEdge(app, authKeys);
  describeApi(app, 'orders'); // /api/docs and /api-json
  await app.listen(port, host);
  logger.log(`orders listening on http://${host}:${port} (transport: ${transport.name})`, 'main');
  const stop = async () => {
    await app.close();
    await transport.disconnect();
    await db.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  // The message only: start-up errors name settings, never secrets or personal data.
  console.error(`orders failed to start: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
});
