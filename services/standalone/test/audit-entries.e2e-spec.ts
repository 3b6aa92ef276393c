import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { StandaloneModule } from '../src/standalone.module';

const SERVICES = ['consent', 'orders', 'audience', 'outreach', 'privacy'] as const;

/** Issue 12: the privacy officer browses each service's audit trail next to its verify route. */
describe('browsing a service audit trail (issue 12)', () => {
  let app: INestApplication;
  let officer: string;
  const authKeys = testAuthKeys();

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('auditentries');
    const moduleRef = await Test.createTestingModule({
      imports: [
        StandaloneModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(3),
          env: generateSecretsEnv(),
          authKeys,
          brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
          publicBaseUrl: 'http://127.0.0.1:3000',
          announce: () => undefined,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
    installHttpEdge(app, authKeys);
    await app.init();
    officer = await bearer(authKeys, 'privacy_officer');
    for (const service of SERVICES) {
      const ds = app.get<DataSource>(`${service.toUpperCase()}_DB`, { strict: false });
      for (let n = 1; n <= 5; n++)
        await ds.transaction((tx) =>
          appendAudit(tx, {
            actor: `staff-${n}`,
            action: n % 2 ? 'test.reveal' : 'test.export',
            purpose: 'after_sales',
            subject: `${service}-subject-${n}`,
            fields: ['phone', 'receiver'],
            outcome: 'allowed',
          }),
        );
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  const list = (service: string, query: string, auth = officer) =>
    request(app.getHttpServer()).get(`/api/v1/${service}/audit/entries${query}`).set('Authorization', auth);

  it.each(SERVICES)(
    'lists %s entries newest first with actor, purpose, action, subject ref and field names, paged by before',
    async (service) => {
      const first = (await list(service, '?limit=2').expect(200)).body;
      expect(first.entries.map((e: { subjectRef: string }) => e.subjectRef)).toEqual([
        `${service}-subject-5`,
        `${service}-subject-4`,
      ]);
      expect(first.entries[0]).toEqual({
        seq: expect.stringMatching(/^[0-9]+$/),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        actor: 'staff-5',
        purpose: 'after_sales',
        action: 'test.reveal',
        subjectRef: `${service}-subject-5`,
        fields: ['phone', 'receiver'],
        outcome: 'allowed',
      });
      expect(first.nextBefore).toBe(first.entries[1].seq);
      const second = (await list(service, `?limit=2&before=${first.nextBefore}`).expect(200)).body;
      expect(second.entries.map((e: { actor: string }) => e.actor)).toEqual(['staff-3', 'staff-2']);
      const last = (await list(service, `?limit=2&before=${second.nextBefore}`).expect(200)).body;
      expect(last.entries.map((e: { actor: string }) => e.actor)).toEqual(['staff-1']);
      expect(last.nextBefore).toBeUndefined();
    },
  );

  it('filters by action and by subject ref', async () => {
    const exports = (await list('orders', '?action=test.export').expect(200)).body;
    expect(exports.entries.map((e: { actor: string }) => e.actor)).toEqual(['staff-4', 'staff-2']);
    const one = (await list('orders', '?subjectRef=orders-subject-3').expect(200)).body;
    expect(one.entries).toHaveLength(1);
    expect(one.entries[0]).toMatchObject({ actor: 'staff-3', subjectRef: 'orders-subject-3' });
    expect((await list('orders', '?subjectRef=nobody').expect(200)).body).toEqual({ entries: [] });
  });

  it('refuses a limit above 200 or a non-numeric before, naming the field', async () => {
    const tooMany = (await list('consent', '?limit=201').expect(400)).body;
    expect(tooMany.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(tooMany.errors)).toContain('limit must be an integer from 1 to 200');
    const bad = (await list('consent', '?before=abc').expect(400)).body;
    expect(JSON.stringify(bad.errors)).toContain('before must be a positive integer');
  });

  it.each(['marketer', 'ops', 'auditor'] as const)('refuses the %s role (403)', async (role) => {
    const token = await bearer(authKeys, role);
    for (const service of SERVICES) await list(service, '', token).expect(403);
  });

  it('admits the admin', async () => {
    await list('privacy', '?limit=1', await bearer(authKeys, 'admin')).expect(200);
  });
});
