import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { installObservability, JsonLogger, withObservability } from '@siyu/observability';
import { describeApi } from '@siyu/auth';
import { transportFromEnv } from '@siyu/messaging';
import { databaseFromEnv } from '@siyu/persistence';
import { IdentityModule } from './identity.module';

/** Identity alone: DATABASE_URL (or embedded PostgreSQL), AUTH_PUBLIC_KEY + AUTH_PRIVATE_KEY, KAFKA_BROKERS, HOST, PORT (3005). */
async function main(): Promise<void> {
  const env = process.env;
  const logger = JsonLogger.fromEnv('identity', env);
  const port = Number(env.PORT ?? 3005);
  const host = env.HOST ?? '127.0.0.1';
  const keys = authKeysFromEnv(env);
  const db = await databaseFromEnv(env, (line) => logger.log(line, 'postgres'));
  // With a broker, identity answers data-subject requests about staff (R14); alone it needs none.
  const transport = env.KAFKA_BROKERS ? transportFromEnv(env, 'identity') : undefined;
  await transport?.connect();
  const app = await NestFactory.create(
    withObservability(
      IdentityModule.register({
        adminDatabaseUrl: db.adminUrl,
        authKeys: keys,
        // First start only. Whoever can read this output (and any log collector on stdout) can log in as admin
        // until the password is changed.
        announce: (line) => logger.log(line, 'announce'),
        transport,
      }),
    ),
    { logger },
  );
  installObservability(app, 'identity', logger);
  installHttpEdge(app, keys);
  describeApi(app, 'identity'); // /api/docs and /api-json
  await app.listen(port, host);
  logger.log(`identity listening on http://${host}:${port}/api/v1/identity`, 'main');
  const stop = async () => {
    await app.close();
    await transport?.disconnect();
    await db.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`identity failed to start: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
});
