import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { StandaloneModule } from '../src/standalone.module';

const SERVICES = ['consent', 'orders', 'audience', 'outreach', 'privacy'] as const;
type Service = (typeof SERVICES)[number];

interface ChainResult {
  chain: string;
  service: string;
  state: 'intact' | 'broken' | 'unreachable';
  entries?: number;
  brokenSeq?: string;
  problems: string[];
}

/** R20 over the standalone app: each service verifies its own chain; privacy asks every one of them. */
describe('one verification over every hash chain (R20)', () => {
  let app: INestApplication;
  let adminUrl: string;
  let officer: string;
  const authKeys = testAuthKeys();
  /** The seq of the middle of three entries each service's own append path wrote. */
  const middle = {} as Record<Service, string>;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('auditchains');
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
    // Privacy reaches each service's verifier over HTTP: in standalone, this process's own port.
    await app.listen(0, '127.0.0.1');
    officer = await bearer(authKeys, 'privacy_officer');
    for (const service of SERVICES) {
      const ds = app.get<DataSource>(`${service.toUpperCase()}_DB`, { strict: false });
      for (const n of [1, 2, 3])
        await ds.transaction((tx) =>
          appendAudit(tx, {
            actor: `staff-${n}`,
            action: 'test.read',
            purpose: 'after_sales',
            subject: `${service}-subject-${n}`,
            fields: ['phone'],
            outcome: 'allowed',
          }),
        );
      const [row] = await adminQuery<{ seq: string }>(
        adminUrl,
        `SELECT seq::text FROM ${service}.audit_log WHERE subject = $1`,
        [`${service}-subject-2`],
      );
      middle[service] = row.seq;
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  /** As the database administrator: the append-only trigger is what stops the service role. */
  async function asDbAdmin(service: Service, sql: string, params: unknown[]): Promise<void> {
    await adminQuery(adminUrl, `ALTER TABLE ${service}.audit_log DISABLE TRIGGER audit_log_no_update`);
    try {
      await adminQuery(adminUrl, sql, params);
    } finally {
      await adminQuery(adminUrl, `ALTER TABLE ${service}.audit_log ENABLE TRIGGER audit_log_no_update`);
    }
  }

  const chains = async (): Promise<{ intact: boolean; chains: ChainResult[] }> =>
    (
      await request(app.getHttpServer())
        .get('/api/v1/privacy/audit-chains')
        .set('Authorization', officer)
        .expect(200)
    ).body;

  it('reports the consent ledger and every service audit chain intact, with their entry counts', async () => {
    const verdict = await chains();
    expect(verdict.intact).toBe(true);
    expect(verdict.chains.map((c) => c.chain).sort()).toEqual(
      ['consent-ledger', ...SERVICES.map((s) => `${s}-audit`)].sort(),
    );
    for (const c of verdict.chains) expect(c).toMatchObject({ state: 'intact', problems: [] });
    for (const s of SERVICES)
      expect(verdict.chains.find((c) => c.chain === `${s}-audit`)?.entries).toBeGreaterThanOrEqual(3);
  });

  it.each(SERVICES)(
    'names %s as broken at the edited entry, both on its own verifier and on privacy’s, and nothing else',
    async (service) => {
      const seq = middle[service];
      await asDbAdmin(service, `UPDATE ${service}.audit_log SET purpose = 'marketing' WHERE seq = $1`, [seq]);
      try {
        const own = await request(app.getHttpServer())
          .get(`/api/v1/${service}/audit/verify`)
          .set('Authorization', officer)
          .expect(200);
        expect(own.body).toMatchObject({ intact: false, brokenSeq: seq });

        const verdict = await chains();
        expect(verdict.intact).toBe(false);
        const broken = verdict.chains.filter((c) => c.state !== 'intact');
        expect(broken).toEqual([
          expect.objectContaining({ chain: `${service}-audit`, state: 'broken', brokenSeq: seq }),
        ]);
        expect(broken[0].problems.join(' ')).toContain(`seq ${seq}`);
      } finally {
        // Put the original back: the chain is intact again, so each case isolates one service.
        await asDbAdmin(service, `UPDATE ${service}.audit_log SET purpose = 'after_sales' WHERE seq = $1`, [
          seq,
        ]);
      }
      expect((await chains()).intact).toBe(true);
    },
  );

  it('names removed newest entries after the head it last saw intact, which the chain alone cannot show', async () => {
    await chains(); // privacy keeps each intact chain's head
    const [newest] = await adminQuery<{ seq: string; row: unknown }>(
      adminUrl,
      'SELECT seq::text, row_to_json(a) AS row FROM audience.audit_log a ORDER BY seq DESC LIMIT 1',
    );
    const [{ seq: before }] = await adminQuery<{ seq: string }>(
      adminUrl,
      'SELECT seq::text FROM audience.audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT 1',
      [newest.seq],
    );
    await asDbAdmin('audience', 'DELETE FROM audience.audit_log WHERE seq = $1', [newest.seq]);
    try {
      const own = await request(app.getHttpServer())
        .get('/api/v1/audience/audit/verify')
        .set('Authorization', officer)
        .expect(200);
      expect(own.body).toMatchObject({ intact: true, headSeq: before });

      for (const run of [1, 2]) {
        // The witness does not move while the chain is broken: the second run still reports it.
        const audience = (await chains()).chains.find((c) => c.chain === 'audience-audit');
        expect({ run, ...audience }).toMatchObject({ run, state: 'broken', truncatedAfterSeq: before });
        expect(audience?.problems.join(' ')).toContain(`entries after seq ${before} are missing`);
      }
    } finally {
      await adminQuery(
        adminUrl,
        'INSERT INTO audience.audit_log SELECT * FROM json_populate_record(NULL::audience.audit_log, $1)',
        [JSON.stringify(newest.row)],
      );
    }
    expect((await chains()).intact).toBe(true);
  });

  it('refuses a known head without its hash on a service verifier, naming the field', async () => {
    const res = await request(app.getHttpServer())
      .get('/api/v1/outreach/audit/verify?knownSeq=12')
      .set('Authorization', officer)
      .expect(400);
    expect(JSON.stringify(res.body)).toContain('knownHash is required with knownSeq');
  });

  it('names the entry after a removed one as the break', async () => {
    const [{ seq: next }] = await adminQuery<{ seq: string }>(
      adminUrl,
      `SELECT seq::text FROM outreach.audit_log WHERE seq > $1 ORDER BY seq LIMIT 1`,
      [middle.outreach],
    );
    await asDbAdmin('outreach', 'DELETE FROM outreach.audit_log WHERE seq = $1', [middle.outreach]);
    const verdict = await chains();
    expect(verdict.chains.find((c) => c.chain === 'outreach-audit')).toMatchObject({
      state: 'broken',
      brokenSeq: next,
    });
  });

  it('answers only the privacy officer and the admin', async () => {
    const server = app.getHttpServer();
    await request(server).get('/api/v1/privacy/audit-chains').expect(401);
    for (const role of ['marketer', 'ops'] as const)
      await request(server)
        .get('/api/v1/privacy/audit-chains')
        .set('Authorization', await bearer(authKeys, role))
        .expect(403);
    await request(server)
      .get('/api/v1/privacy/audit-chains')
      .set('Authorization', await bearer(authKeys, 'admin'))
      .expect(200);
  });
});
