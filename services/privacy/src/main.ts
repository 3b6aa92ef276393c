import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv, installHttpEdge, withHealth } from '@siyu/auth';
import { ANSWERING_SERVICES, type AnsweringService } from '@siyu/contracts';
import { transportFromEnv } from '@siyu/messaging';
import { databaseFromEnv } from '@siyu/persistence';
import { PrivacyModule } from './privacy.module';

function answeringServicesFromEnv(value: string | undefined): AnsweringService[] | undefined {
  if (!value) return undefined;
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(ANSWERING_SERVICES as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(`PRIVACY_ANSWERING_SERVICES: unknown service(s) ${unknown.join(', ')}`);
  return names as AnsweringService[];
}

/**
 * Runs the privacy service alone: DATABASE_URL, KAFKA_BROKERS, AUTH_PUBLIC_KEY, BRAND_ID,
 * PRIVACY_DEADLINE_WORKING_DAYS, PRIVACY_ANSWERING_SERVICES, PRIVACY_REMINDER_INTERVAL_MS.
 */
async function main(): Promise<void> {
  const env = process.env;
  const db = await databaseFromEnv(env);
  const transport = transportFromEnv(env, 'privacy');
  await transport.connect();
  const app = await NestFactory.create(
    withHealth(
      PrivacyModule.register({
        adminDatabaseUrl: db.adminUrl,
        transport,
        brandId: env.BRAND_ID ?? 'demo',
        deadlineWorkingDays: env.PRIVACY_DEADLINE_WORKING_DAYS
          ? Number(env.PRIVACY_DEADLINE_WORKING_DAYS)
          : undefined,
        answeringServices: answeringServicesFromEnv(env.PRIVACY_ANSWERING_SERVICES),
        reminderIntervalMs: Number(env.PRIVACY_REMINDER_INTERVAL_MS ?? 3_600_000),
        announce: (line) => console.log(line),
      }),
    ),
  );
  installHttpEdge(app, authKeysFromEnv(env));
  app.enableShutdownHooks();
  const port = Number(env.PORT ?? 3005);
  await app.listen(port, env.HOST ?? '127.0.0.1');
  console.log(`privacy listening on http://127.0.0.1:${port}`);
}

void main();
