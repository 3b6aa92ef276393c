import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgresError, startEmbeddedPostgres } from '../../persistence/src/embedded-postgres';
import { buildServerIfStale, selectsProcessTests, type SelectedTests } from './server-build';

/**
 * One real PostgreSQL per test run (DATABASE_URL wins when set); each test file then makes its own
 * database (see createTestDatabase), so files run in parallel without sharing rows. When the run
 * selects a test that starts services from dist (they need a broker), dist is brought up to date
 * here, once, before any test file starts: the tests themselves never build.
 */
export default async function globalSetup(config: SelectedTests): Promise<void> {
  if (selectsProcessTests(config) && process.env.KAFKA_BROKERS?.trim())
    await buildServerIfStale(config.rootDir);
  if (process.env.DATABASE_URL) {
    process.env.SIYU_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'siyu-test-pg-'));
  try {
    const pg = await startEmbeddedPostgres({ dataDir, persistent: false });
    process.env.SIYU_TEST_ADMIN_URL = pg.adminUrl;
    (globalThis as { __SIYU_PG__?: unknown }).__SIYU_PG__ = { stop: pg.stop, dataDir };
  } catch (err) {
    // What to do in one sentence, not a stack trace from inside jest.
    if (!(err instanceof EmbeddedPostgresError)) throw err;
    console.error(`\nThe tests need PostgreSQL: ${err.message}\n`);
    process.exit(1);
  }
}
