import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { MACHINE_ROLES, STAFF_ROLES, type AuthKeys, type Role } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { PROCESSOR_GRANT_FIELDS } from '@siyu/contracts';
import { ENTRUSTMENT_DUTIES } from '../../privacy/src/processors/processor-register';
import { standaloneApiDocument } from '../src/api-document';
import { StandaloneModule } from '../src/standalone.module';
import { tmallCsv } from './walking-skeleton.flow';

/**
 * The authorisation matrix (issue 14 §3), generated from the route metadata the guard enforces
 * (`x-roles` / `x-public` in the OpenAPI description): every route × every caller × own / other
 * brand ⇒ the expected answer, against every service in one standalone app over real PostgreSQL.
 * A brand is a deployment (its own database and signing keys, ARCHITECTURE §3): "other brand" is a
 * token brand B's identity signed. BOLA: ids that exist in brand B, sent to brand A with brand A's
 * token, must answer exactly as an id that exists nowhere.
 */

type Caller = 'none' | Role | `machine-key:${string}`;
interface Operation {
  method: string;
  path: string;
  roles?: string[];
  public?: string;
  params: { name: string; in: string; required?: boolean; schema?: any }[];
  /** Statuses the description documents (e.g. readiness's 503 when a dependency lags). */
  statuses: Set<number>;
}
interface Brand {
  name: string;
  app: INestApplication;
  adminUrl: string;
  keys: AuthKeys;
  /** Ids that exist in this brand, by `<path prefix>:<param>` (see `seedKey`). */
  ids: Map<string, string>;
  machineToken: string;
  /** A real exchanged token per machine role (platform, auditor, processor). */
  machineTokens: Partial<Record<string, string>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
/** The guard's own answers; any other status means the call got past authorisation. */
const GUARD_CODES = new Set([
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'ROLE_NOT_ALLOWED',
  'ROUTE_DECLARES_NO_ROLES',
  // R15: the guard's answers to a processor outside its grant.
  'PROCESSOR_ROUTE_NOT_DECLARED',
  'PROCESSOR_GRANT_ENDED',
  'PROCESSOR_FIELD_NOT_GRANTED',
]);

function operationsOf(doc: OpenAPIObject): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => (item as any)[m]).map((m) => {
      const op = (item as any)[m];
      return {
        method: m,
        path,
        roles: op['x-roles'],
        public: op['x-public'],
        params: [...((item as any).parameters ?? []), ...(op.parameters ?? [])],
        statuses: new Set(Object.keys(op.responses ?? {}).map(Number)),
      };
    }),
  );
}

/** `/api/v1/audience/segments/{id}/sample` + `id` → `audience/segments:id`: which seeded id fits. */
function seedKey(path: string, param: string): string {
  const parts = path.replace(/^\/api\/v1\//, '').split('/');
  const before = parts.slice(0, parts.indexOf(`{${param}}`)).filter((p) => !p.startsWith('{'));
  return `${before.slice(0, 2).join('/')}:${param}`;
}

function placeholder(p: Operation['params'][number]): string {
  const s = p.schema ?? {};
  if (s.enum?.length) return String(s.enum[0]);
  if (s.format === 'uuid' || /ref$|id$/i.test(p.name)) return randomUUID();
  if (s.type === 'integer' || s.type === 'number') return '1';
  if (p.name === 'shop' || p.name === 'shopId') return 'shop-1';
  if (p.name === 'platform') return 'tmall';
  return 'x1';
}

/** A concrete URL for an operation: path ids from `ids` where it has them, required query params filled. */
function urlFor(op: Operation, ids: Map<string, string>, fresh = false): { url: string; seeded: string[] } {
  const seeded: string[] = [];
  let url = op.path;
  for (const p of op.params.filter((x) => x.in === 'path')) {
    const known = fresh ? undefined : ids.get(seedKey(op.path, p.name));
    if (known) seeded.push(p.name);
    url = url.replace(`{${p.name}}`, encodeURIComponent(known ?? placeholder(p)));
  }
  const query = op.params
    .filter((x) => x.in === 'query' && x.required)
    .map((p) => `${p.name}=${encodeURIComponent(ids.get(`query:${p.name}`) ?? placeholder(p))}`);
  return { url: query.length ? `${url}?${query.join('&')}` : url, seeded };
}

async function call(brand: Brand, op: Operation, url: string, authorization?: string) {
  const req = (request(brand.app.getHttpServer()) as any)[op.method](url);
  if (authorization) req.set('Authorization', authorization);
  return op.method === 'get' || op.method === 'delete' ? req : req.send({});
}

async function startBrand(name: string): Promise<Brand> {
  const adminUrl = await createTestDatabase(`authz${name}`);
  const keys = testAuthKeys();
  const moduleRef = await Test.createTestingModule({
    imports: [
      StandaloneModule.register({
        adminDatabaseUrl: adminUrl,
        transport: new InProcessTransport(3),
        env: generateSecretsEnv(),
        authKeys: keys,
        brand: {
          id: name,
          name: `品牌${name}`,
          signature: `品牌${name}`,
          contact: `privacy@${name}.example`,
        },
        publicBaseUrl: 'http://127.0.0.1:3000',
        announce: () => {},
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
  installHttpEdge(app, keys);
  await app.init();
  return { name, app, adminUrl, keys, ids: new Map(), machineToken: '', machineTokens: {} };
}

/** Real objects in a brand, made through its API, so BOLA probes use ids that exist somewhere. */
async function seed(brand: Brand): Promise<void> {
  const http = () => request(brand.app.getHttpServer());
  const admin = await bearer(brand.keys, 'admin');
  const ops = await bearer(brand.keys, 'ops');
  const marketer = await bearer(brand.keys, 'marketer');
  const officer = await bearer(brand.keys, 'privacy_officer');

  const key = await http()
    .post('/api/v1/identity/api-keys')
    .set('Authorization', admin)
    .send({ name: `${brand.name}-push`, role: 'platform' })
    .expect(201);
  // The machine caller uses the real exchange: API key → short-lived token.
  const token = await http().post('/api/v1/identity/tokens').set('X-Api-Key', key.body.key).expect(200);
  brand.machineToken = `Bearer ${token.body.token}`;
  for (const role of MACHINE_ROLES) {
    if (role === 'platform') {
      brand.machineTokens[role] = brand.machineToken;
      continue;
    }
    // R15: an agency's key is bound to a grant of every catalogue field, so only the role is refused.
    const grantId = role === 'processor' ? await issueGrant(brand, officer) : undefined;
    const other = await createKeyOnceGrantKnown(brand, admin, {
      name: `${brand.name}-${role}`,
      role,
      grantId,
    });
    const exchanged = await http()
      .post('/api/v1/identity/tokens')
      .set('X-Api-Key', other.body.key)
      .expect(200);
    brand.machineTokens[role] = `Bearer ${exchanged.body.token}`;
  }
  const spare = await http()
    .post('/api/v1/identity/api-keys')
    .set('Authorization', admin)
    .send({ name: `${brand.name}-spare`, role: 'platform' })
    .expect(201);
  brand.ids.set('identity/api-keys:id', spare.body.id);

  const imported = await http()
    .post('/api/v1/orders/imports?platform=tmall&shop=shop-1')
    .set('Authorization', ops)
    .set('Content-Type', 'text/csv')
    .send(tmallCsv())
    .expect(201);
  brand.ids.set('orders/imports:id', imported.body.importId ?? imported.body.id);
  const [order] = await adminQuery<{ order_ref: string }>(
    brand.adminUrl,
    'SELECT order_ref FROM orders.orders ORDER BY order_ref LIMIT 1',
  );
  brand.ids.set('orders:orderRef', order.order_ref);

  const segment = await http()
    .post('/api/v1/audience/segments')
    .set('Authorization', marketer)
    .send({ name: `${brand.name} sms members`, purpose: 'marketing_messages', channel: 'sms' })
    .expect(201);
  brand.ids.set('audience/segments:id', segment.body.id);

  const dsr = await http()
    .post('/api/v1/privacy/requests')
    .set('Authorization', officer)
    .send({ subjectRef: randomUUID(), kind: 'access' })
    .expect(201);
  brand.ids.set('privacy/requests:id', dsr.body.id);
  // A grant of its own: the matrix may revoke it without touching the processor key's grant.
  brand.ids.set('privacy/processor-grants:id', await issueGrant(brand, officer));
  brand.ids.set('audience/processor-access:segmentId', segment.body.id);
}

async function issueGrant(brand: Brand, officer: string): Promise<string> {
  const res = await request(brand.app.getHttpServer())
    .post('/api/v1/privacy/processor-grants')
    .set('Authorization', officer)
    .send({
      processorName: `${brand.name} agency`,
      contractReference: `DPA-${brand.name}`,
      purpose: 'campaign_planning',
      fields: [...PROCESSOR_GRANT_FIELDS],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      dutiesAcknowledged: [...ENTRUSTMENT_DUTIES],
    })
    .expect(201);
  return res.body.id;
}

/** Identity learns a grant from privacy's event: a key for it may be refused for a moment. */
async function createKeyOnceGrantKnown(
  brand: Brand,
  admin: string,
  body: { name: string; role: string; grantId?: string },
): Promise<request.Response> {
  for (let i = 0; ; i++) {
    const res = await request(brand.app.getHttpServer())
      .post('/api/v1/identity/api-keys')
      .set('Authorization', admin)
      .send(body);
    if (res.status === 201) return res;
    if (res.body?.code !== 'GRANT_UNKNOWN' || i >= 100)
      throw new Error(`key refused: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('authorisation matrix: every route × every caller × own / other brand', () => {
  let doc: OpenAPIObject;
  let ops: Operation[];
  let alpha: Brand;
  let beta: Brand;

  beforeAll(async () => {
    doc = await standaloneApiDocument();
    ops = operationsOf(doc);
    [alpha, beta] = await Promise.all([startBrand('alpha'), startBrand('beta')]);
    await seed(alpha);
    await seed(beta);
  }, 120_000);

  afterAll(async () => {
    await alpha?.app.close();
    await beta?.app.close();
  });

  it('every route declares its roles or why it is public, and the app serves no route the description lacks', () => {
    const undeclared = ops.filter((o) => !o.public && !o.roles?.length).map((o) => `${o.method} ${o.path}`);
    expect(undeclared).toEqual([]);
    const express = alpha.app.getHttpAdapter().getInstance();
    const served: string[] = (express.router ?? express._router).stack
      .filter((l: any) => l.route)
      .flatMap((l: any) =>
        Object.keys(l.route.methods).map(
          // Express keeps a trailing slash of a controller's root route (`rights` + `@Get()`); the
          // description does not: the same route either way.
          (m) =>
            `${m} ${String(l.route.path)
              .replace(/:([A-Za-z0-9_]+)/g, '{$1}')
              .replace(/(.)\/$/, '$1')}`,
        ),
      );
    const described = new Set(ops.map((o) => `${o.method} ${o.path}`));
    expect(served.filter((r) => !described.has(r))).toEqual([]);
    expect(ops.length).toBeGreaterThan(80);
  });

  it('answers each (route, caller, brand) cell as the route metadata says: 401 without or with a foreign token, 403 for a role not listed, through the guard otherwise, never 5xx', async () => {
    const callers: Caller[] = [
      'none',
      ...STAFF_ROLES,
      ...MACHINE_ROLES.map((r) => `machine-key:${r}` as const),
    ];
    const violations: string[] = [];
    let cells = 0;
    const tokenFor = async (caller: Caller, issuer: Brand): Promise<string | undefined> => {
      if (caller === 'none') return undefined;
      if (caller.startsWith('machine-key:')) return issuer.machineTokens[caller.slice(12)];
      return bearer(issuer.keys, caller as Role);
    };
    const roleOf = (caller: Caller) => (caller.startsWith('machine-key:') ? caller.slice(12) : caller);

    for (const op of ops) {
      const { url } = urlFor(op, alpha.ids);
      for (const caller of callers) {
        for (const issuer of [alpha, beta]) {
          if (caller === 'none' && issuer === beta) continue; // no token has no brand
          cells++;
          const res = await call(alpha, op, url, await tokenFor(caller, issuer));
          const code: string | undefined = res.body?.code;
          const cell = `${op.method.toUpperCase()} ${op.path} as ${caller}${issuer === beta ? ' (other brand)' : ''}`;
          let expected: string;
          let ok: boolean;
          if (op.public) {
            expected = 'public: past the guard';
            ok = !GUARD_CODES.has(code ?? '');
          } else if (caller === 'none') {
            expected = '401 TOKEN_MISSING';
            ok = res.status === 401 && code === 'TOKEN_MISSING';
          } else if (issuer === beta) {
            expected = '401 TOKEN_INVALID';
            ok = res.status === 401 && code === 'TOKEN_INVALID';
          } else if (!op.roles!.includes(roleOf(caller))) {
            expected = '403 ROLE_NOT_ALLOWED';
            ok = res.status === 403 && code === 'ROLE_NOT_ALLOWED';
          } else {
            expected = 'past the guard';
            ok = !GUARD_CODES.has(code ?? '');
          }
          // A server error fails the cell unless the route documents it as an answer: readiness says
          // 503 while a dependency lags (on a loaded machine outreach's heartbeat copy can be >1 s old).
          if (res.status >= 500 && !(res.status === 503 && op.statuses.has(503))) ok = false;
          if (!ok) violations.push(`${cell}: expected ${expected}, got ${res.status} ${code ?? ''}`);
        }
      }
    }
    console.log(
      `authorisation matrix: ${ops.length} routes × ${callers.length} callers (${callers.join(', ')}) × own/other brand = ${cells} cells, ${violations.length} violations`,
    );
    expect(violations).toEqual([]);
    expect(cells).toBe(ops.length * (1 + (callers.length - 1) * 2));
    // One more machine caller (auditor, then processor) adds two cells per route; alone on a loaded machine the run took 320 s.
  }, 480_000);

  it("BOLA: brand B's ids with brand A's token answer as ids that exist nowhere, while A's own ids resolve", async () => {
    const violations: string[] = [];
    let probed = 0;
    for (const op of ops.filter((o) => o.roles?.length && o.params.some((p) => p.in === 'path'))) {
      const { url: foreignUrl, seeded } = urlFor(op, beta.ids);
      if (seeded.length === 0) continue;
      // A role the route allows, so the guard is not what answers.
      const role = op.roles![0] as Role;
      const token = role === 'platform' ? alpha.machineToken : await bearer(alpha.keys, role);
      const foreign = await call(alpha, op, foreignUrl, token);
      const nowhere = await call(alpha, op, urlFor(op, new Map(), true).url, token);
      probed++;
      const name = `${op.method.toUpperCase()} ${op.path}`;
      if (foreign.status !== nowhere.status || (foreign.status >= 200 && foreign.status < 300))
        violations.push(`${name}: brand B's id → ${foreign.status}, an unknown id → ${nowhere.status}`);
      // Control: the same route with brand A's own id is not refused as unknown (GETs only: no side effects).
      if (op.method === 'get') {
        const own = await call(alpha, op, urlFor(op, alpha.ids).url, token);
        if (own.status === 404 && own.status === foreign.status)
          violations.push(`${name}: brand A's own id is not found either, the probe proves nothing`);
      }
    }
    console.log(
      `BOLA: ${probed} routes with ids probed with the other brand's ids, ${violations.length} violations`,
    );
    expect(violations).toEqual([]);
    expect(probed).toBeGreaterThanOrEqual(8);
  }, 120_000);
});
