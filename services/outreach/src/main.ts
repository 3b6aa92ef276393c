import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv, installHttpEdge, withHealth } from '@siyu/auth';
import { transportFromEnv } from '@siyu/messaging';
import { databaseFromEnv } from '@siyu/persistence';
import { OutreachModule } from './outreach.module';

/** Runs the outreach service alone: DATABASE_URL, KAFKA_BROKERS, AUTH_PUBLIC_KEY and its secrets. */
async function main(): Promise<void> {
  const env = process.env;
  const db = await databaseFromEnv(env);
  const transport = transportFromEnv(env, 'outreach');
  await transport.connect();
  const app = await NestFactory.create(
    withHealth(
      OutreachModule.register({
        adminDatabaseUrl: db.adminUrl,
        transport,
        env,
        brand: { id: env.BRAND_ID ?? 'demo', signature: env.BRAND_SIGNATURE ?? '示例品牌' },
        publicBaseUrl: env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3002',
        announce: (line) => console.log(line),
      }),
    ),
  );
  installHttpEdge(app, authKeysFromEnv(env));
  app.enableShutdownHooks();
  const port = Number(env.PORT ?? 3004);
  await app.listen(port, '127.0.0.1');
  console.log(`outreach listening on http://127.0.0.1:${port}`);
}

void main();
