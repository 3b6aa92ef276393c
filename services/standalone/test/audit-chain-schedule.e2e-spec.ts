import { Logger, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { generateSecretsEnv } from '@siyu/crypto';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { metricsRegistry } from '@siyu/observability';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { VerifyAuditChainsOnSchedule } from '../../privacy/src/audit-chains/verify-audit-chains-on-schedule.use-case';
import { StandaloneModule } from '../src/standalone.module';

const SERVICES = ['consent', 'orders', 'audience', 'outreach', 'privacy'] as const;
type Service = (typeof SERVICES)[number];

/**
 * R20 over the standalone app: every service signs its audit chain's head with its own key on a
 * schedule, and privacy verifies every chain on a schedule with its machine key (not a person's).
 */
describe('signed audit anchors and scheduled chain verification (R20)', () => {
  let app: INestApplication;
  let adminUrl: string;
  let officer: string;
  const authKeys = testAuthKeys();
  const env: Record<string, string | undefined> = {
    ...generateSecretsEnv(),
    AUDIT_ANCHOR_INTERVAL_MS: '150',
  };

  beforeAll(async () => {
    adminUrl = await createTestDatabase('auditschedule');
    const moduleRef = await Test.createTestingModule({
      imports: [
        StandaloneModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(3),
          env,
          authKeys,
          brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
          publicBaseUrl: 'http://127.0.0.1:3000',
          announce: () => undefined,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
    installHttpEdge(app, authKeys);
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
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  /** As the database administrator: the append-only trigger is what stops the service role. */
  async function asDbAdmin(service: Service, sql: string, params: unknown[] = []): Promise<void> {
    await adminQuery(adminUrl, `ALTER TABLE ${service}.audit_log DISABLE TRIGGER audit_log_no_update`);
    try {
      await adminQuery(adminUrl, sql, params);
    } finally {
      await adminQuery(adminUrl, `ALTER TABLE ${service}.audit_log ENABLE TRIGGER audit_log_no_update`);
    }
  }

  const headOf = async (service: Service) =>
    (await adminQuery<{ seq: string }>(adminUrl, `SELECT max(seq)::text AS seq FROM ${service}.audit_log`))[0]
      .seq;

  it('anchors the head of every service chain on schedule, signed with that service’s own key', async () => {
    for (const service of SERVICES) {
      const head = await headOf(service);
      await waitFor(
        async () =>
          (await adminQuery(adminUrl, `SELECT 1 FROM ${service}.audit_anchors WHERE head_seq = $1`, [head]))
            .length === 1,
        `${service} anchors its head`,
        20_000,
      );
      const own = await request(app.getHttpServer())
        .get(`/api/v1/${service}/audit/verify`)
        .set('Authorization', officer)
        .expect(200);
      expect(own.body).toMatchObject({ intact: true, latestAnchorSeq: head, problems: [] });
      expect(own.body.anchorsChecked).toBeGreaterThanOrEqual(1);
    }
    const kids = await Promise.all(
      SERVICES.map(
        async (s) =>
          (await adminQuery<{ signature: string }>(adminUrl, `SELECT signature FROM ${s}.audit_anchors`))[0],
      ),
    );
    expect(new Set(kids.map((k) => k.signature)).size).toBe(SERVICES.length);
  });

  it.each(SERVICES)(
    'shows the newest %s entries deleted from the signed anchor alone, with no head seen earlier',
    async (service) => {
      const head = await headOf(service);
      await waitFor(
        async () =>
          (await adminQuery(adminUrl, `SELECT 1 FROM ${service}.audit_anchors WHERE head_seq = $1`, [head]))
            .length > 0,
        `${service} anchors its head`,
        20_000,
      );
      // Privacy forgets what it saw: only the anchor can show the removal.
      await adminQuery(adminUrl, 'DELETE FROM privacy.audit_chain_heads');
      const [newest] = await adminQuery<{ row: unknown }>(
        adminUrl,
        `SELECT row_to_json(a) AS row FROM ${service}.audit_log a WHERE seq = $1`,
        [head],
      );
      await asDbAdmin(service, `DELETE FROM ${service}.audit_log WHERE seq = $1`, [head]);
      const before = await headOf(service);
      try {
        const own = await request(app.getHttpServer())
          .get(`/api/v1/${service}/audit/verify`)
          .set('Authorization', officer)
          .expect(200);
        expect(own.body).toMatchObject({ intact: false, truncatedAfterSeq: before });
        expect(own.body.problems.join(' ')).toContain(
          `entries after seq ${before} are missing: the signed anchor`,
        );
      } finally {
        await adminQuery(
          adminUrl,
          `INSERT INTO ${service}.audit_log SELECT * FROM json_populate_record(NULL::${service}.audit_log, $1)`,
          [JSON.stringify(newest.row)],
        );
      }
      const again = await request(app.getHttpServer())
        .get(`/api/v1/${service}/audit/verify`)
        .set('Authorization', officer)
        .expect(200);
      expect(again.body).toMatchObject({ intact: true });
    },
  );

  describe('scheduled verification with privacy’s machine key', () => {
    let scheduled: VerifyAuditChainsOnSchedule;
    let auditorKey: string;
    const admin = () => bearer(authKeys, 'admin');

    beforeAll(async () => {
      scheduled = app.get(VerifyAuditChainsOnSchedule, { strict: false });
      const created = await request(app.getHttpServer())
        .post('/api/v1/identity/api-keys')
        .set('Authorization', await admin())
        .send({ name: 'privacy-auditor', role: 'auditor' })
        .expect(201);
      auditorKey = created.body.key;
    });

    const intactGauge = async (chain: string) =>
      (await metricsRegistry.getSingleMetric('siyu_audit_chain_intact')!.get()).values.find(
        (v) => v.labels.chain === chain,
      )?.value;

    it('records a failed run and alerts when identity refuses its key, naming why', async () => {
      env.PRIVACY_AUDITOR_API_KEY = 'sk_' + 'x'.repeat(43);
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        const run = await scheduled.execute();
        expect(run).toMatchObject({ trigger: 'scheduled', intact: false, chains: [] });
        expect(run.problems[0]).toContain('identity refused the auditor API key');
        expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toContain(
          'R20 ALERT: scheduled audit-chain verification could not run',
        );
      } finally {
        warn.mockRestore();
      }
      expect(await intactGauge('orders-audit')).toBe(0);
    });

    it('verifies every chain with the auditor token, records the run and sets every chain’s gauge to 1', async () => {
      env.PRIVACY_AUDITOR_API_KEY = auditorKey;
      const run = await scheduled.execute();
      expect(run.problems).toEqual([]);
      expect(run.chains.map((c) => [c.chain, c.state])).toEqual(
        ['consent-ledger', ...SERVICES.map((s) => `${s}-audit`)].map((c) => [c, 'intact']),
      );
      expect(run.intact).toBe(true);
      for (const c of run.chains) expect(await intactGauge(c.chain)).toBe(1);
      const [row] = await adminQuery<{ trigger: string; intact: boolean }>(
        adminUrl,
        "SELECT trigger, intact FROM privacy.audit_chain_runs WHERE trigger = 'scheduled' ORDER BY id DESC LIMIT 1",
      );
      expect(row).toEqual({ trigger: 'scheduled', intact: true });
    });

    it('alerts on a broken chain, and the officer sees that failure on GET audit-chains after it was repaired', async () => {
      env.PRIVACY_AUDITOR_API_KEY = auditorKey;
      const [{ seq }] = await adminQuery<{ seq: string }>(
        adminUrl,
        "SELECT seq::text FROM outreach.audit_log WHERE subject = 'outreach-subject-2'",
      );
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      await asDbAdmin('outreach', "UPDATE outreach.audit_log SET purpose = 'marketing' WHERE seq = $1", [
        seq,
      ]);
      try {
        const run = await scheduled.execute();
        expect(run.intact).toBe(false);
        expect(run.chains.filter((c) => c.state !== 'intact')).toEqual([
          expect.objectContaining({ chain: 'outreach-audit', state: 'broken', brokenSeq: seq }),
        ]);
        expect(await intactGauge('outreach-audit')).toBe(0);
        expect(await intactGauge('orders-audit')).toBe(1);
        const alerts = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('R20 ALERT'));
        expect(alerts).toEqual([
          expect.stringContaining(`audit chain outreach-audit is broken: entry seq ${seq}`),
        ]);
        // The alert names chains and seqs, never the audited subject or actor.
        expect(alerts.join(' ')).not.toMatch(/outreach-subject|staff-/);
      } finally {
        warn.mockRestore();
        await asDbAdmin('outreach', "UPDATE outreach.audit_log SET purpose = 'after_sales' WHERE seq = $1", [
          seq,
        ]);
      }
      const now = await request(app.getHttpServer())
        .get('/api/v1/privacy/audit-chains')
        .set('Authorization', officer)
        .expect(200);
      expect(now.body.intact).toBe(true);
      expect(now.body.lastScheduledRun).toMatchObject({
        intact: false,
        failing: [expect.objectContaining({ chain: 'outreach-audit', state: 'broken', brokenSeq: seq })],
      });
    });

    it('lets the auditor token call the chain verifiers and nothing else', async () => {
      const exchanged = await request(app.getHttpServer())
        .post('/api/v1/identity/tokens')
        .set('X-Api-Key', auditorKey)
        .expect(200);
      const auditor = `Bearer ${exchanged.body.token}`;
      const server = app.getHttpServer();
      await request(server).get('/api/v1/consent/ledger/verify').set('Authorization', auditor).expect(200);
      await request(server).get('/api/v1/orders/audit/verify').set('Authorization', auditor).expect(200);
      for (const path of [
        '/api/v1/privacy/audit-chains',
        '/api/v1/privacy/requests',
        '/api/v1/consent/ledger/anchors/latest',
      ])
        await request(server).get(path).set('Authorization', auditor).expect(403);
    });
  });
});
