import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import request from 'supertest';
import { issueAccessToken } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { provisionServiceDatabase } from '@siyu/persistence';
import { bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { StandaloneModule } from '../src/standalone.module';

interface Route {
  method: string;
  path: string;
}

/** Every route Express knows, from the app's router (Express 5 keeps it on `router`). */
function routesOf(app: INestApplication): Route[] {
  const express = app.getHttpAdapter().getInstance();
  const stack: any[] = (express.router ?? express._router).stack;
  return stack
    .filter((layer) => layer.route)
    .flatMap((layer) =>
      Object.keys(layer.route.methods).map((method) => ({ method, path: String(layer.route.path) })),
    );
}

const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

describe('access: roles, public routes and schema walls', () => {
  let app: INestApplication;
  let adminUrl: string;
  const authKeys = testAuthKeys();

  beforeAll(async () => {
    adminUrl = await createTestDatabase('access');
    const moduleRef = await Test.createTestingModule({
      imports: [
        StandaloneModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(3),
          env: generateSecretsEnv(),
          authKeys,
          brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
          publicBaseUrl: 'http://127.0.0.1:3000',
          announce: () => {},
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
    installHttpEdge(app, authKeys);
    await app.init();
  });

  afterAll(() => app?.close());

  // Public on purpose: customer pages (/q, /u), signed webhooks, login, health and readiness,
  // Prometheus metrics (no PII in labels; restricted at the network edge) and the front door page.
  const PUBLIC = [
    /^\/q\//,
    /^\/w\//, // consent: the WeCom door's consent page (link in the staff member's welcome message)
    /^\/u\//,
    /^\/p\//,
    /^\/t\//, // outreach: short SMS unsubscribe links (ADR 0008)
    /^\/c\//, // orders: short parcel-card links (ADR 0008)
    /^\/me\//, // audience: what the brand holds about me (signed preference page token, R12)
    /^\/rights(\/|$)/, // privacy: a customer starts a data-subject request (one-time code) and follows it (R14)
    /^\/webhooks\//,
    /^\/api\/v1\/identity\/(login|tokens)$/,
    /^\/api\/v1\/health(\/ready)?$/,
    /^\/metrics$/,
    /^\/$/,
  ];

  it('no /api/v1 route answers without a token, except login, machine-token exchange and health', async () => {
    const routes = routesOf(app).filter((r) => r.path.startsWith('/api/v1'));
    expect(routes.length).toBeGreaterThan(10);
    const open: string[] = [];
    for (const r of routes) {
      if (PUBLIC.some((p) => p.test(r.path))) continue;
      const res = await (request(app.getHttpServer()) as any)[r.method](concrete(r.path)).send({});
      if (res.status !== 401) open.push(`${r.method.toUpperCase()} ${r.path} → ${res.status}`);
    }
    expect(open).toEqual([]);
  });

  it('every route outside /api/v1 is a customer page or a signed webhook', () => {
    const others = routesOf(app).filter((r) => !r.path.startsWith('/api/v1'));
    for (const r of others) expect(PUBLIC.some((p) => p.test(r.path))).toBe(true);
  });

  it.each([
    ['marketer', 'post', '/api/v1/orders/imports?platform=tmall&shop=s1'],
    ['marketer', 'post', '/api/v1/orders/00000000-0000-4000-8000-000000000000/reveal'],
    ['marketer', 'post', '/api/v1/orders/00000000-0000-4000-8000-000000000000/invitations'],
    ['privacy_officer', 'post', '/api/v1/orders/00000000-0000-4000-8000-000000000000/reveal'],
    ['ops', 'post', '/api/v1/outreach/campaigns'],
    ['ops', 'post', '/api/v1/audience/segments'],
    ['ops', 'post', '/api/v1/consent/notices'],
    ['marketer', 'post', '/api/v1/identity/accounts'],
    ['platform', 'post', '/api/v1/outreach/campaigns'],
  ] as const)('%s may not %s %s', async (role, method, path) => {
    const res = await (request(app.getHttpServer()) as any)
      [method](path)
      .set('Authorization', await bearer(authKeys, role))
      .send({});
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('a forged or expired token is refused with 401', async () => {
    const other = testAuthKeys();
    const forged = await bearer(other, 'admin');
    const res = await request(app.getHttpServer())
      .get('/api/v1/identity/accounts')
      .set('Authorization', forged);
    expect(res.status).toBe(401);
    const expired = await issueAccessToken(authKeys, { id: 'old-admin', role: 'admin', kind: 'staff' }, -60);
    const late = await request(app.getHttpServer())
      .get('/api/v1/identity/accounts')
      .set('Authorization', `Bearer ${expired.token}`);
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('TOKEN_INVALID');
  });

  it('invalid bodies get a 400 naming each bad field', async () => {
    const marketer = await bearer(authKeys, 'marketer');
    const res = await request(app.getHttpServer())
      .post('/api/v1/audience/segments')
      .set('Authorization', marketer)
      .send({ name: '', purpose: 'spam', channel: 'fax', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['channel', 'extra', 'name', 'purpose']);

    const campaign = await request(app.getHttpServer())
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', marketer)
      .send({
        name: 'x',
        segmentId: 'not-a-uuid',
        purpose: 'marketing_messages',
        channel: 'sms',
        templateId: '00000000-0000-4000-8000-000000000000',
        variants: [{ name: 'A', variables: { offer_code: 'X' } }],
        schedule: { kind: 'at', at: 'tomorrow' },
      });
    expect(campaign.status).toBe(400);
    expect(campaign.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'schedule.at',
      'segmentId',
    ]);
  });

  it.each([
    ['audience', 'orders.orders'],
    ['audience', 'consent.ledger'],
    ['outreach', 'orders.data_keys'],
    ['consent', 'audience.members'],
    ['orders', 'outreach.contact_points'],
  ])('the %s role cannot read %s (permission denied)', async (service, table) => {
    const db = await provisionServiceDatabase(adminUrl, service);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await expect(client.query(`SELECT * FROM ${table} LIMIT 1`)).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
  });
});
