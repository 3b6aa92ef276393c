import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv, installHttpEdge, withHealth } from '@siyu/auth';
import { describeApi } from '@siyu/auth';
import { transportFromEnv } from '@siyu/messaging';
import { databaseFromEnv } from '@siyu/persistence';
import { ConsentModule } from './consent.module';
import { brandFromEnv } from './brand-from-env';

/** Runs the consent service alone: DATABASE_URL, KAFKA_BROKERS, AUTH_PUBLIC_KEY and its secrets. */
async function main(): Promise<void> {
  const env = process.env;
  const db = await databaseFromEnv(env);
  const transport = transportFromEnv(env, 'consent');
  await transport.connect();
  const port = Number(env.PORT ?? 3002);
  const app = await NestFactory.create(
    withHealth(
      ConsentModule.register({
        adminDatabaseUrl: db.adminUrl,
        transport,
        env,
        brand: brandFromEnv(env),
        publicBaseUrl: env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`,
        announce: (line) => console.log(line),
      }),
    ),
    { rawBody: true },
  );
  installHttpEdge(app, authKeysFromEnv(env));
  describeApi(app, 'consent'); // /api/docs and /api-json
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  console.log(`consent listening on http://127.0.0.1:${port}`);
}

void main();
