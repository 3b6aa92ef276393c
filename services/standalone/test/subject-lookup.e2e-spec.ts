import { randomInt } from 'node:crypto';
import type { DynamicModule, INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv, loadTokenSigner } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { ConsentModule } from '../../consent/src/consent.module';
import { PrivacyModule } from '../../privacy/src/privacy.module';
import { consentThroughQr, type ConsentTestApp } from '../../consent/test/consent-test-app';

/** Every line any part of the apps logs, at every level. */
class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  private keep = (...args: unknown[]) => void this.lines.push(args.map((a) => JSON.stringify(a)).join(' '));
  log = this.keep;
  error = this.keep;
  warn = this.keep;
  debug = this.keep;
  verbose = this.keep;
  fatal = this.keep;
}

describe('staff subject lookup by phone for a verified request (R14, R16)', () => {
  const apps: INestApplication[] = [];
  const authKeys = testAuthKeys();
  const secrets = generateSecretsEnv();
  const transport = new InProcessTransport(3);
  const logger = new RecordingLogger();
  const announced: string[] = [];
  let adminUrl: string;
  let http: { consent: App; privacy: App };

  beforeAll(async () => {
    adminUrl = await createTestDatabase('lookup');
    const start = async (module: DynamicModule) => {
      const ref = await Test.createTestingModule({ imports: [module] }).compile();
      const app = ref.createNestApplication({ rawBody: true, logger });
      installHttpEdge(app, { publicKey: authKeys.publicKey });
      await app.init();
      apps.push(app);
      return app.getHttpServer();
    };
    const brand = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };
    const consent = await start(
      ConsentModule.register({
        adminDatabaseUrl: adminUrl,
        env: secrets,
        transport,
        brand,
        publicBaseUrl: 'http://127.0.0.1:3002',
        announce: (l) => announced.push(l),
      }),
    );
    const privacy = await start(
      PrivacyModule.register({
        adminDatabaseUrl: adminUrl,
        transport,
        brandId: brand.id,
        answeringServices: ['consent'],
        announce: (l) => announced.push(l),
      }),
    );
    http = { consent, privacy };
    await waitFor(
      async () => (await adminQuery(adminUrl, 'SELECT 1 FROM privacy.requester_seal_keys')).length > 0,
      "consent's seal key reaching privacy",
    );
  }, 60_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  async function lookUp(officer: string, phone: string) {
    const started = await request(http.privacy)
      .post('/api/v1/privacy/subject-lookups')
      .set('Authorization', officer)
      .send({ phone, purpose: 'answer_verified_request', reference: 'letter 2026-12-A' })
      .expect(202);
    return waitFor(async () => {
      const r = await request(http.privacy)
        .get(`/api/v1/privacy/subject-lookups/${started.body.lookupId}`)
        .set('Authorization', officer)
        .expect(200);
      return r.body.status === 'pending' ? undefined : r.body;
    }, "consent's answer to the lookup");
  }

  it("finds a member's requests from the phone, audits who looked and why, and never logs or stores the phone", async () => {
    const phone = `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    const consentApp = {
      http: http.consent,
      adminUrl,
      invitations: loadTokenSigner(secrets, 'INVITE'),
    } as unknown as ConsentTestApp;
    const subjectRef = await consentThroughQr(consentApp, phone);
    const officer = await bearer(authKeys, 'privacy_officer');
    const logged = await request(http.privacy)
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef, kind: 'access' })
      .expect(201);
    const linesBefore = logger.lines.length;

    const found = await lookUp(officer, phone);
    expect(found).toMatchObject({
      status: 'found',
      subjectRef,
      purpose: 'answer_verified_request',
      requests: [expect.objectContaining({ id: logged.body.id, kind: 'access' })],
    });

    // Who looked and why, in privacy (request, read) and in consent (the blind-index lookup).
    const privacyAudit = await adminQuery<{ actor: string; action: string; purpose: string }>(
      adminUrl,
      "SELECT actor, action, purpose FROM privacy.audit_log WHERE action LIKE 'subject-lookup.%' ORDER BY seq",
    );
    expect(privacyAudit.map((a) => [a.action, a.purpose])).toEqual([
      ['subject-lookup.requested', 'answer_verified_request'],
      ['subject-lookup.read', 'answer_verified_request'],
    ]);
    const consentAudit = await adminQuery<{ actor: string; purpose: string; subject: string }>(
      adminUrl,
      "SELECT actor, purpose, subject FROM consent.audit_log WHERE action = 'subject-lookup.found'",
    );
    expect(consentAudit).toEqual([
      { actor: privacyAudit[0].actor, purpose: 'answer_verified_request', subject: subjectRef },
    ]);
    expect(privacyAudit[0].actor).not.toBe('');

    // The phone: in no log line, no announcement, no privacy table (outbox included), no event body kept.
    const lines = [...logger.lines.slice(linesBefore), ...announced].join('\n');
    expect(lines).not.toContain(phone);
    expect(lines).not.toContain(phone.slice(-8));
    const tables = await adminQuery<{ t: string }>(
      adminUrl,
      "SELECT 'privacy.' || table_name AS t FROM information_schema.tables WHERE table_schema = 'privacy' AND table_type = 'BASE TABLE'",
    );
    for (const { t } of tables) {
      const [{ n }] = await adminQuery<{ n: number }>(
        adminUrl,
        `SELECT count(*)::int AS n FROM ${t} x WHERE x::text LIKE '%' || $1 || '%'`,
        [phone.slice(-8)],
      );
      expect([t, n]).toEqual([t, 0]);
    }
  });

  it('answers not_found for a phone no member verified, and refuses an invalid phone or another role', async () => {
    const officer = await bearer(authKeys, 'privacy_officer');
    const stranger = await lookUp(officer, `138${String(randomInt(0, 100_000_000)).padStart(8, '0')}`);
    expect(stranger).toMatchObject({ status: 'not_found', subjectRef: null, requests: [] });
    const bad = await request(http.privacy)
      .post('/api/v1/privacy/subject-lookups')
      .set('Authorization', officer)
      .send({ phone: '12345', purpose: 'answer_verified_request', reference: 'x' })
      .expect(400);
    expect(bad.body.code).toBe('PHONE_INVALID');
    await request(http.privacy)
      .post('/api/v1/privacy/subject-lookups')
      .set('Authorization', officer)
      .send({ phone: '13800138000', purpose: 'curiosity', reference: 'x' })
      .expect(400);
    for (const role of ['ops', 'marketer', 'admin'] as const)
      await request(http.privacy)
        .post('/api/v1/privacy/subject-lookups')
        .set('Authorization', await bearer(authKeys, role))
        .send({ phone: '13800138000', purpose: 'answer_verified_request', reference: 'x' })
        .expect(403);
  });
});
