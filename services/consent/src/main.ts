import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { describeApi } from '@siyu/auth';
import { transportFromEnv } from '@siyu/messaging';
import { installObservability, JsonLogger, withObservability } from '@siyu/observability';
import { databaseFromEnv } from '@siyu/persistence';
import { ConsentModule } from './consent.module';
import { brandFromEnv } from './brand-from-env';

/** Runs the consent service alone: DATABASE_URL, KAFKA_BROKERS, AUTH_PUBLIC_KEY, its secrets, HOST, PORT (3002). */
async function main(): Promise<void> {
  const env = process.env;
  const logger = JsonLogger.fromEnv('consent', env);
  const port = Number(env.PORT ?? 3002);
  const host = env.HOST ?? '127.0.0.1';
  const authKeys = authKeysFromEnv(env);
  const db = await databaseFromEnv(env, (line) => logger.log(line, 'postgres'));
  const transport = transportFromEnv(env, 'consent');
  await transport.connect();
  const app = await NestFactory.create(
    withObservability(
      ConsentModule.register({
        adminDatabaseUrl: db.adminUrl,
        transport,
        env,
        brand: brandFromEnv(env),
        publicBaseUrl: env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`,
        announce: (line) => logger.log(line, 'announce'),
      }),
    ),
    { rawBody: true, logger },
  );
  installObservability(app, 'consent', logger);
  installHttpEdge(app, authKeys);
  describeApi(app, 'consent'); // /api/docs and /api-json
  await app.listen(port, host);
  logger.log(`consent listening on http://${host}:${port} (transport: ${transport.name})`, 'main');
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
  console.error(`consent failed to start: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
});
