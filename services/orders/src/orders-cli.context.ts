import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ORDERS_DB } from './orders.options';
import { OrdersSettingsModule, type OrdersSettings } from './orders-settings.module';

/**
 * The CLIs' object graph: the service's own feature modules under the same settings module, without
 * HTTP, messaging or schedules (events stay in the outbox for the running service to publish). A
 * constructor change in a feature is wired once, in its module, for the service and the CLIs alike.
 */
@Module({})
class OrdersCliModule implements OnApplicationShutdown {
  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  static with(feature: Type, settings: OrdersSettings): DynamicModule {
    return { module: OrdersCliModule, imports: [OrdersSettingsModule.register(settings), feature] };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/** One feature module's providers for a command; close it to release the database. */
export function openOrdersCliContext(
  feature: Type,
  settings: OrdersSettings,
): Promise<INestApplicationContext> {
  // No Nest log lines (the CLIs' stdout is their JSON report); failures throw to the caller.
  return NestFactory.createApplicationContext(OrdersCliModule.with(feature, settings), {
    logger: false,
    abortOnError: false,
  });
}

export type CliEnv = Record<string, string | undefined>;

/**
 * Where a CLI finds its database and keys: DATABASE_URL and the environment; or, without it, the
 * database and the named keys `npm start` left in the data directory (the environment still wins).
 * `problem` says in one line what to do when there is neither.
 */
export function cliTarget(
  env: CliEnv,
  localKeys: string[],
): { adminUrl: string; secrets: CliEnv } | { problem: string } {
  if (env.DATABASE_URL) return { adminUrl: env.DATABASE_URL, secrets: env };
  const dataDir = env.SIYU_DATA_DIR ?? join(process.cwd(), '.data');
  const urlFile = join(dataDir, 'postgres-url');
  const adminUrl = existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : '';
  if (!adminUrl)
    return { problem: `no database: set DATABASE_URL, or start Siyu (npm start) so that ${urlFile} exists` };
  const secretsFile = join(dataDir, 'secrets.json');
  let stored: CliEnv;
  try {
    stored = localSecrets(secretsFile, localKeys);
  } catch (err) {
    return { problem: `${secretsFile}: ${(err as Error).message}` };
  }
  return { adminUrl, secrets: { ...stored, ...definedOnly(env) } };
}

/** Only the named keys of the secrets `npm start` generated beside its database; nothing else is read. */
function localSecrets(file: string, names: string[]): CliEnv {
  if (!existsSync(file)) return {};
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(
    names.map((name) => [name, typeof stored[name] === 'string' ? stored[name] : undefined]),
  );
}

function definedOnly(env: CliEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
}
