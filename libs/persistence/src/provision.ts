import { createHmac } from 'node:crypto';
import { Client } from 'pg';

/**
 * One schema and one login role per service (ARCHITECTURE invariant 3). The role owns its schema
 * and holds no grant on any other service's schema, so a cross-service read fails in PostgreSQL.
 */
export interface ServiceDatabase {
  service: string;
  schema: string;
  role: string;
  /** Connection URL that logs in as the service's own role. */
  url: string;
}

const IDENT = /^[a-z][a-z0-9_]{0,40}$/;
const PG_DUPLICATE = new Set(['42710', '23505', '42P06', '42P04']);

export function roleFor(service: string): string {
  return `siyu_${service}`;
}

/**
 * Role passwords are derived from the admin credentials (never a fixed default), not from the
 * database name: roles are cluster-wide, and every database of a cluster must agree on them.
 */
function rolePassword(adminUrl: string, service: string): string {
  const u = new URL(adminUrl);
  return createHmac('sha256', `${u.username}:${u.password}@${u.host}`)
    .update(`siyu-role:${service}`)
    .digest('base64url');
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<string> {
  if (!IDENT.test(database)) throw new Error(`invalid database name "${database}"`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await ignoreDuplicate(() => client.query(`CREATE DATABASE ${database}`));
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function provisionServiceDatabase(adminUrl: string, service: string): Promise<ServiceDatabase> {
  if (!IDENT.test(service)) throw new Error(`invalid service name "${service}"`);
  // Roles and grants are catalogue rows shared by the cluster: concurrent provisioning (services
  // starting together, parallel test files) can collide, so retry the idempotent steps.
  for (let attempt = 1; ; attempt++) {
    try {
      return await provisionOnce(adminUrl, service);
    } catch (err) {
      const concurrent = /tuple concurrently (updated|deleted)/.test((err as Error).message);
      if (!concurrent || attempt >= 8) throw err;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
    }
  }
}

async function provisionOnce(adminUrl: string, service: string): Promise<ServiceDatabase> {
  const role = roleFor(service);
  const password = rolePassword(adminUrl, service);
  const admin = new URL(adminUrl);
  const database = decodeURIComponent(admin.pathname.slice(1)) || 'postgres';
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('siyu-provision'))");
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (exists.rowCount === 0) {
      await ignoreDuplicate(() =>
        client.query(
          `CREATE ROLE ${role} LOGIN PASSWORD ${literal(password)} NOSUPERUSER NOCREATEDB NOCREATEROLE`,
        ),
      );
    } else {
      await client.query(`ALTER ROLE ${role} PASSWORD ${literal(password)}`);
    }
    // Nobody may create objects in public; each service keeps to its own schema.
    await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await client.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
    await ignoreDuplicate(() => client.query(`CREATE SCHEMA IF NOT EXISTS ${service} AUTHORIZATION ${role}`));
    await client.query(`REVOKE ALL ON SCHEMA ${service} FROM PUBLIC`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.username = role;
  url.password = password;
  url.searchParams.set('options', `-c search_path=${service}`);
  return { service, schema: service, role, url: url.toString() };
}

async function ignoreDuplicate(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    // Parallel test workers provision the same cluster-wide roles at once.
    if (!PG_DUPLICATE.has((err as { code?: string }).code ?? '')) throw err;
  }
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
