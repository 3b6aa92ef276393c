import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv, describeApi } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { ANSWERING_SERVICES, type AnsweringService } from '@siyu/contracts';
import { transportFromEnv } from '@siyu/messaging';
import { installObservability, JsonLogger, withObservability } from '@siyu/observability';
import { databaseFromEnv } from '@siyu/persistence';
import { chainBaseUrlsFromEnv } from './audit-chains/audit-chains';
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
 * Runs the privacy service alone: DATABASE_URL, KAFKA_BROKERS, AUTH_PUBLIC_KEY, BRAND_ID, HOST, PORT (3006),
 * PRIVACY_DEADLINE_WORKING_DAYS, PRIVACY_ANSWERING_SERVICES, PRIVACY_REMINDER_INTERVAL_MS (also the processor
 * deletion watch), PRIVACY_PROCESSOR_DELETION_DAYS (15: days an agency has to confirm deletion; R15),
 * PRIVACY_INDIVIDUALS_COUNT_INTERVAL_MS (daily by default), PRIVACY_AUDIT_VERIFY_URLS
 * (`consent=http://host:3002,orders=…`: where each service's audit verifier answers; R20).
 */
async function main(): Promise<void> {
  const env = process.env;
  const logger = JsonLogger.fromEnv('privacy', env);
  const port = Number(env.PORT ?? 3006);
  const host = env.HOST ?? '127.0.0.1';
  const authKeys = authKeysFromEnv(env);
  const db = await databaseFromEnv(env, (line) => logger.log(line, 'postgres'));
  const transport = transportFromEnv(env, 'privacy');
  await transport.connect();
  const app = await NestFactory.create(
    withObservability(
      PrivacyModule.register({
        adminDatabaseUrl: db.adminUrl,
        transport,
        brandId: env.BRAND_ID ?? 'demo',
        brandName: env.BRAND_NAME,
        deadlineWorkingDays: env.PRIVACY_DEADLINE_WORKING_DAYS
          ? Number(env.PRIVACY_DEADLINE_WORKING_DAYS)
          : undefined,
        answeringServices: answeringServicesFromEnv(env.PRIVACY_ANSWERING_SERVICES),
        reminderIntervalMs: Number(env.PRIVACY_REMINDER_INTERVAL_MS ?? 3_600_000),
        individualsCountIntervalMs: Number(env.PRIVACY_INDIVIDUALS_COUNT_INTERVAL_MS ?? 86_400_000),
        auditVerifyBaseUrls: chainBaseUrlsFromEnv(env.PRIVACY_AUDIT_VERIFY_URLS),
        env,
        announce: (line) => logger.log(line, 'announce'),
      }),
    ),
    { logger },
  );
  installObservability(app, 'privacy', logger);
  installHttpEdge(app, authKeys);
  describeApi(app, 'privacy'); // /api/docs and /api-json
  await app.listen(port, host);
  logger.log(`privacy listening on http://${host}:${port} (transport: ${transport.name})`, 'main');
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
  console.error(`privacy failed to start: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
});
