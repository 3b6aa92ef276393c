import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv, describeApi } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { transportFromEnv } from '@siyu/messaging';
import { installObservability, JsonLogger, withObservability } from '@siyu/observability';
import { databaseFromEnv } from '@siyu/persistence';
import { AudienceModule } from './audience.module';

/** Runs the audience service alone: DATABASE_URL, KAFKA_BROKERS, AUTH_PUBLIC_KEY, BRAND_ID, HOST, PORT (3003). */
async function main(): Promise<void> {
  const env = process.env;
  const logger = JsonLogger.fromEnv('audience', env);
  const port = Number(env.PORT ?? 3003);
  const host = env.HOST ?? '127.0.0.1';
  const authKeys = authKeysFromEnv(env);
  const db = await databaseFromEnv(env, (line) => logger.log(line, 'postgres'));
  const transport = transportFromEnv(env, 'audience');
  await transport.connect();
  const app = await NestFactory.create(
    withObservability(
      AudienceModule.register({
        adminDatabaseUrl: db.adminUrl,
        transport,
        brandId: env.BRAND_ID ?? 'demo',
        preferenceTokenKeys: env.UNSUBSCRIBE_TOKEN_KEYS,
        env,
      }),
    ),
    { logger },
  );
  installObservability(app, 'audience', logger);
  installHttpEdge(app, authKeys);
  describeApi(app, 'audience'); // /api/docs and /api-json
  await app.listen(port, host);
  logger.log(`audience listening on http://${host}:${port} (transport: ${transport.name})`, 'main');
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
  console.error(`audience failed to start: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
});
