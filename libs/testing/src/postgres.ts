import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDatabaseIfMissing } from '../../persistence/src/provision';

/** The admin URL of the run's PostgreSQL (started by global-setup). */
export function testAdminUrl(): string {
  const url = process.env.SIYU_TEST_ADMIN_URL;
  if (!url)
    throw new Error('SIYU_TEST_ADMIN_URL missing: run tests through jest (global-setup starts PostgreSQL)');
  return url;
}

/** A fresh database for one test file; returns its admin URL. */
export async function createTestDatabase(label = 't'): Promise<string> {
  const name = `${label.replace(/[^a-z0-9]/g, '').slice(0, 20)}_${randomBytes(5).toString('hex')}`;
  return createDatabaseIfMissing(testAdminUrl(), name);
}

/** Runs SQL as the admin (superuser) of a test database: for assertions across schemas. */
export async function adminQuery<T = Record<string, unknown>>(
  adminUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
