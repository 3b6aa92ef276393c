import { DataSource, EntitySchema, MixedList } from 'typeorm';
import type { ServiceDatabase } from './provision';

export interface ServiceDataSourceOptions {
  database: ServiceDatabase;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
}

/** Migrations run on start (never `synchronize`), recorded in the service's own schema. */
export async function openServiceDataSource(options: ServiceDataSourceOptions): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url: options.database.url,
    schema: options.database.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: { max: options.poolSize ?? 10 },
  });
  await ds.initialize();
  await ds.runMigrations();
  return ds;
}
