import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv, installHttpEdge, withHealth } from '@siyu/auth';
import { transportFromEnv } from '@siyu/messaging';
import { databaseFromEnv } from '@siyu/persistence';
import { AudienceModule } from './audience.module';

/** Runs the audience service alone: DATABASE_URL, KAFKA_BROKERS, AUTH_PUBLIC_KEY, BRAND_ID. */
async function main(): Promise<void> {
  const env = process.env;
  const db = await databaseFromEnv(env);
  const transport = transportFromEnv(env, 'audience');
  await transport.connect();
  const app = await NestFactory.create(
    withHealth(
      AudienceModule.register({
        adminDatabaseUrl: db.adminUrl,
        transport,
        brandId: env.BRAND_ID ?? 'demo',
        preferenceTokenKeys: env.UNSUBSCRIBE_TOKEN_KEYS,
      }),
    ),
  );
  installHttpEdge(app, authKeysFromEnv(env));
  app.enableShutdownHooks();
  const port = Number(env.PORT ?? 3003);
  await app.listen(port, '127.0.0.1');
  console.log(`audience listening on http://127.0.0.1:${port}`);
}

void main();
