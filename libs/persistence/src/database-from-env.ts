import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * DATABASE_URL when set (a role that may create roles and schemas, used only to provision each
 * service's own role); otherwise the project starts embedded PostgreSQL in SIYU_DATA_DIR. As root
 * with a private checkout the cluster may live elsewhere; `announce` says where.
 */
export async function databaseFromEnv(
  env: Record<string, string | undefined>,
  announce: (line: string) => void = (line) => console.log(line),
): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  if (env.DATABASE_URL) return { adminUrl: env.DATABASE_URL, stop: async () => {} };
  const dataDir = join(env.SIYU_DATA_DIR ?? join(process.cwd(), '.data'), 'postgres');
  const pg = await startEmbeddedPostgres({
    dataDir,
    persistent: true,
    port: Number(env.SIYU_PG_PORT ?? 0) || undefined,
    relocateTo: env.SIYU_PG_RELOCATE_DIR || undefined,
    announce,
  });
  return pg;
}
