import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv, describeApi } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { transportFromEnv } from '@siyu/messaging';
import { installObservability, JsonLogger, withObservability } from '@siyu/observability';
import { databaseFromEnv } from '@siyu/persistence';
import { OutreachModule } from './outreach.module';

/** Runs the outreach service alone: DATABASE_URL, KAFKA_BROKERS, AUTH_PUBLIC_KEY, its secrets, HOST, PORT (3004). */
async function main(): Promise<void> {
  const env = process.env;
  const logger = JsonLogger.fromEnv('outreach', env);
  const port = Number(env.PORT ?? 3004);
  const host = env.HOST ?? '127.0.0.1';
  const authKeys = authKeysFromEnv(env);
  const db = await databaseFromEnv(env, (line) => logger.log(line, 'postgres'));
  const transport = transportFromEnv(env, 'outreach');
  await transport.connect();
  const app = await NestFactory.create(
    withObservability(
      OutreachModule.register({
        adminDatabaseUrl: db.adminUrl,
        transport,
        env,
        brand: { id: env.BRAND_ID ?? 'demo', signature: env.BRAND_SIGNATURE ?? '示例品牌' },
        publicBaseUrl: env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3002',
        announce: (line) => logger.log(line, 'announce'),
      }),
    ),
    { logger },
  );
  installObservability(app, 'outreach', logger);
  installHttpEdge(app, authKeys);
  describeApi(app, 'outreach'); // /api/docs and /api-json
  await app.listen(port, host);
  logger.log(`outreach listening on http://${host}:${port} (transport: ${transport.name})`, 'main');
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
  console.error(`outreach failed to start: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
});
