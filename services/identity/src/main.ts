import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { authKeysFromEnv, installHttpEdge } from '@siyu/auth';
import { describeApi } from '@siyu/auth';
import { databaseFromEnv } from '@siyu/persistence';
import { IdentityModule } from './identity.module';

/** Identity alone: DATABASE_URL (or embedded PostgreSQL), AUTH_PUBLIC_KEY + AUTH_PRIVATE_KEY, PORT. */
async function bootstrap(): Promise<void> {
  const database = await databaseFromEnv(process.env);
  const keys = authKeysFromEnv(process.env);
  const app = await NestFactory.create(
    IdentityModule.register({
      adminDatabaseUrl: database.adminUrl,
      authKeys: keys,
      // First start only. Whoever can read this output (and any log collector on stdout) can log in as admin
      // until the password is changed.
      announce: (line) => process.stdout.write(`${line}\n`),
    }),
  );
  // Shutdown hooks close the data source; embedded PostgreSQL stops itself when the process exits.
  installHttpEdge(app, keys);
  describeApi(app, 'identity'); // /api/docs and /api-json
  const port = Number(process.env.PORT ?? 3005);
  await app.listen(port);
  new Logger('identity').log(`listening on ${await app.getUrl()}/api/v1/identity`);
}

void bootstrap().catch((err: unknown) => {
  new Logger('identity').error(`failed to start: ${(err as Error)?.message}`);
  process.exit(1);
});
