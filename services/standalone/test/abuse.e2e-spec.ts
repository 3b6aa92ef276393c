import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { type AuthKeys, type Role } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { standaloneApiDocument } from '../src/api-document';
import { StandaloneModule } from '../src/standalone.module';
import { tmallCsv } from './walking-skeleton.flow';

/**
 * Bad input and abuse (issue 14 §4), against every service in one standalone app over real
 * PostgreSQL: oversized and deeply nested bodies, SQL-ish, control and other hostile text in every
 * text field of every JSON body the API describes, and imports with a 1 MB line or broken encoding.
 * Each gets a 4xx in the house shape (`{ code, message }`, which field and why) or is stored verbatim;
 * never a 5xx, and nothing is stored half-way. (`__proto__` keys: reserved-keys.e2e-spec.ts.)
 */
const HOSTILE = [
  "'; DROP TABLE orders.orders; --",
  "' OR '1'='1' --",
  'a\u0000b', // NUL: PostgreSQL text cannot hold it
  '\u0001\u0007\u001b[31m\r\n\t\u007f', // control characters
  '\u202e\u200b\ufeff', // bidi override, zero-width, BOM
  '\ud800', // a lone surrogate
  '${jndi:ldap://x}%s%n{{7*7}}<script>alert(1)</script>',
  '名'.repeat(20_000), // 60 kB of UTF-8 in one field
];

type Schema = Record<string, any>;

function resolve(doc: OpenAPIObject, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let i = 0; s.$ref && i < 10; i++)
    s = (doc.components?.schemas as Record<string, Schema>)[s.$ref.split('/').pop()!];
  if (s.allOf) return Object.assign({}, ...s.allOf.map((x: Schema) => resolve(doc, x)));
  return s;
}

/** A body shaped like the schema, every free text field holding `hostile`. */
function bodyOf(doc: OpenAPIObject, schema: Schema | undefined, hostile: string, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (depth > 6) return undefined;
  if (s.enum?.length) return s.enum[0];
  if (s.oneOf || s.anyOf) return bodyOf(doc, (s.oneOf ?? s.anyOf)[0], hostile, depth + 1);
  const type = s.type ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries((s.properties ?? {}) as Record<string, Schema>).map(([k, v]) => [
          k,
          bodyOf(doc, v, hostile, depth + 1),
        ]),
      );
    case 'array':
      return [bodyOf(doc, s.items, hostile, depth + 1)];
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.format === 'date') return '2026-12-01';
      return hostile;
    default:
      return hostile;
  }
}

interface JsonOperation {
  method: 'post' | 'put' | 'patch';
  path: string;
  role?: Role;
  schema: Schema;
}

function jsonOperations(doc: OpenAPIObject): JsonOperation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    (['post', 'put', 'patch'] as const).flatMap((method) => {
      const op = (item as any)[method];
      const schema = op?.requestBody?.content?.['application/json']?.schema;
      if (!op || !schema || op['x-public']) return [];
      return [{ method, path, role: op['x-roles']?.[0], schema }];
    }),
  );
}

/** Path parameters filled with ids that exist nowhere: validation still runs before any lookup. */
function concrete(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    name === 'platform' ? 'tmall' : /shop/i.test(name) ? 'shop-1' : randomUUID(),
  );
}

describe('bad input and abuse: 4xx with a precise error, never a 5xx, nothing stored half-way', () => {
  let app: INestApplication;
  let adminUrl: string;
  let keys: AuthKeys;
  let doc: OpenAPIObject;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('abuse');
    keys = testAuthKeys();
    const moduleRef = await Test.createTestingModule({
      imports: [
        StandaloneModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(3),
          env: generateSecretsEnv(),
          authKeys: keys,
          brand: { id: 'abuse', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
          publicBaseUrl: 'http://127.0.0.1:3000',
          announce: () => {},
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: false });
    installHttpEdge(app, keys);
    await app.init();
    doc = await standaloneApiDocument();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  const server = () => app.getHttpServer();

  it('answers an oversized JSON body with 413 in the house shape and stores nothing', async () => {
    const res = await request(server())
      .post('/api/v1/audience/segments')
      .set('Authorization', await bearer(keys, 'marketer'))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(2_000_000), purpose: 'marketing_messages', channel: 'sms' }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ code: 'HTTP_ERROR', message: 'request entity too large' });
    expect(await adminQuery(adminUrl, 'SELECT 1 FROM audience.segments')).toHaveLength(0);
  });

  it('answers a body nested 20,000 levels deep, and malformed JSON, with a 400 in the house shape', async () => {
    const marketer = await bearer(keys, 'marketer');
    const deep = `{"name":${'['.repeat(20_000)}${']'.repeat(20_000)},"purpose":"marketing_messages","channel":"sms"}`;
    const nested = await request(server())
      .post('/api/v1/audience/segments')
      .set('Authorization', marketer)
      .set('Content-Type', 'application/json')
      .send(deep);
    expect(nested.status).toBe(400);
    expect(nested.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'request body is invalid: it nests deeper than 64 levels',
    });
    const deepObject = `{"name":"n","purpose":"marketing_messages","channel":"sms","rule":${'{"and":['.repeat(5_000)}${']}'.repeat(5_000)}}`;
    const rule = await request(server())
      .post('/api/v1/audience/segments')
      .set('Authorization', marketer)
      .set('Content-Type', 'application/json')
      .send(deepObject);
    expect(rule.status).toBe(400);
    expect(rule.body.code).toBe('VALIDATION_FAILED');
    const broken = await request(server())
      .post('/api/v1/audience/segments')
      .set('Authorization', marketer)
      .set('Content-Type', 'application/json')
      .send('{"name": "n", ');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(broken.body.message).toMatch(/JSON/);
    expect(await adminQuery(adminUrl, 'SELECT 1 FROM audience.segments')).toHaveLength(0);
  });

  it('puts SQL-ish, control and other hostile text in every text field of every JSON body: no 5xx, every 4xx precise', async () => {
    const operations = jsonOperations(doc);
    expect(operations.length).toBeGreaterThan(10);
    const tables = async () =>
      (
        await adminQuery<{ n: string }>(
          adminUrl,
          "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema IN ('orders','consent','audience','outreach','privacy','identity')",
        )
      )[0].n;
    const before = await tables();
    const failures: string[] = [];
    let calls = 0;
    for (const op of operations) {
      const authorization = op.role ? await bearer(keys, op.role as Role) : undefined;
      for (const hostile of HOSTILE) {
        const req = (request(server()) as any)[op.method](concrete(op.path));
        if (authorization) req.set('Authorization', authorization);
        const res = await req
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(bodyOf(doc, op.schema, hostile)));
        calls++;
        const where = `${op.method.toUpperCase()} ${op.path} with ${JSON.stringify(hostile.slice(0, 24))}`;
        if (res.status >= 500) failures.push(`${where}: ${res.status} ${res.text.slice(0, 200)}`);
        else if (
          res.status >= 400 &&
          (typeof res.body?.code !== 'string' || typeof res.body?.message !== 'string')
        )
          failures.push(`${where}: ${res.status} without {code, message}: ${res.text.slice(0, 200)}`);
      }
    }
    console.log(`abuse: ${calls} hostile calls over ${operations.length} JSON operations`);
    expect(failures).toEqual([]);
    // The SQL-ish text was data, not SQL: every table is still there.
    expect(await tables()).toBe(before);
  }, 300_000);

  it('rejects an import row holding a 1 MB line or bytes that are not UTF-8 by row, field and reason, storing the other rows and none of it', async () => {
    const ops = await bearer(keys, 'ops');
    const storedIds = async (shop: string) =>
      (
        await adminQuery<{ id: string }>(
          adminUrl,
          'SELECT platform_order_id AS id FROM orders.orders WHERE shop_id = $1 ORDER BY 1',
          [shop],
        )
      ).map((r) => r.id);
    const [header, ...rows] = tmallCsv().trimEnd().split('\n');
    const ids = rows.map((r) => r.split(',')[0]);
    const cases = [
      {
        shop: 'shop-long-line',
        body: Buffer.from(
          [header, rows[0], rows[1].replace('保湿面霜50ml', 'x'.repeat(1 << 20)), rows[2]].join('\n') + '\n',
        ),
        rejected: { row: 3, field: '(row)', reason: expect.stringContaining('larger than 64 KiB') },
        kept: [ids[0], ids[2]],
      },
      {
        shop: 'shop-broken-bytes',
        body: Buffer.concat([
          Buffer.from([header, rows[0]].join('\n') + '\n'),
          Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x2c, 0x0a]),
          Buffer.from(rows[2] + '\n'),
        ]),
        rejected: {
          row: 3,
          field: '订单编号',
          reason: expect.stringContaining('not text in the file’s encoding'),
        },
        kept: [ids[0], ids[2]],
      },
    ];
    for (const c of cases) {
      const res = await request(server())
        .post(`/api/v1/orders/imports?platform=tmall&shop=${c.shop}`)
        .set('Authorization', ops)
        .set('Content-Type', 'text/csv')
        .send(c.body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ rows: 3, accepted: 2, rejectedRows: 1, rejected: [c.rejected] });
      expect(await storedIds(c.shop)).toEqual([...c.kept].sort());
    }
  }, 120_000);
});
