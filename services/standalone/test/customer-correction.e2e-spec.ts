import { randomInt } from 'node:crypto';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv, loadTokenSigner } from '@siyu/crypto';
import { adminQuery, testAuthKeys, waitFor } from '@siyu/testing';
import { ConsentModule } from '../../consent/src/consent.module';
import { consentThroughQr, type ConsentTestApp } from '../../consent/test/consent-test-app';
import { OutreachHarness } from '../../outreach/test/outreach-harness';
import { PrivacyModule } from '../../privacy/src/privacy.module';

/**
 * R14 correction started by the customer on /rights, through the one requester verification every
 * rights request uses: the phone sealed to consent, consent's code, the code typed back.
 */
describe('a customer corrects their time zone on the public rights page (R14)', () => {
  const outreach = new OutreachHarness();
  const apps: INestApplication[] = [];
  const authKeys = testAuthKeys();
  const secrets = generateSecretsEnv();
  let consent: App;
  let privacy: App;

  beforeAll(async () => {
    await outreach.start({ runner: { pollMs: 0 } });
    const { adminUrl, transport } = outreach;
    const start = async (module: DynamicModule) => {
      const ref = await Test.createTestingModule({ imports: [module] }).compile();
      const app = ref.createNestApplication({ rawBody: true, logger: ['error'] });
      installHttpEdge(app, { publicKey: authKeys.publicKey });
      await app.init();
      apps.push(app);
      return app.getHttpServer();
    };
    const brand = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };
    consent = await start(
      ConsentModule.register({
        adminDatabaseUrl: adminUrl,
        env: secrets,
        transport,
        brand,
        publicBaseUrl: 'http://x',
      }),
    );
    privacy = await start(
      PrivacyModule.register({
        env: secrets,
        adminDatabaseUrl: adminUrl,
        transport,
        brandId: brand.id,
        answeringServices: ['consent', 'outreach'],
      }),
    );
    await waitFor(
      async () => (await adminQuery(adminUrl, 'SELECT 1 FROM privacy.requester_seal_keys')).length > 0,
      "consent's seal key reaching privacy",
    );
  }, 60_000);
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await outreach.stop();
  });

  const lastCode = async () =>
    /验证码(\d{6})/.exec(
      (
        await adminQuery<{ body: string }>(
          outreach.adminUrl,
          'SELECT body FROM consent.sandbox_sms ORDER BY id DESC LIMIT 1',
        )
      )[0].body,
    )![1];

  const textCount = async () =>
    (
      await adminQuery<{ n: number }>(outreach.adminUrl, 'SELECT count(*)::int AS n FROM consent.sandbox_sms')
    )[0].n;

  it('corrects the zone outreach uses for quiet hours once the code sent to the phone on record comes back', async () => {
    const phone = `139${String(randomInt(0, 1e8)).padStart(8, '0')}`;
    const consentApp = {
      http: consent,
      adminUrl: outreach.adminUrl,
      invitations: loadTokenSigner(secrets, 'INVITE'),
    } as unknown as ConsentTestApp;
    const subjectRef = await consentThroughQr(consentApp, phone);
    await waitFor(
      async () =>
        (
          await adminQuery(
            outreach.adminUrl,
            'SELECT 1 FROM outreach.consent_projection WHERE subject_ref = $1',
            [subjectRef],
          )
        ).length > 0,
      "outreach's copy of the consent",
    );
    const page = await request(privacy).get('/rights').expect(200);
    expect(page.text).toContain('value="correct"');
    expect(page.text).toContain('name="timeZone"');

    const textsBefore = await textCount();
    const started = await request(privacy)
      .post('/rights')
      .type('form')
      .send({ kind: 'correct', timeZone: 'Asia/Urumqi', phone })
      .expect(200);
    const challenge = /name="challenge" value="([0-9a-f-]{36})"/.exec(started.text)![1];
    await waitFor(async () => (await textCount()) > textsBefore, 'the code text');
    const confirmed = await waitFor(async () => {
      const r = await request(privacy)
        .post('/rights/code')
        .type('form')
        .send({ challenge, code: await lastCode() });
      return r.status === 409 ? undefined : r;
    }, 'the code to be accepted');
    expect(confirmed!.status).toBe(303);

    const status = await waitFor(async () => {
      const r = await request(privacy).get(confirmed!.headers.location).expect(200);
      return r.text.includes('已完成') ? r.text : undefined;
    }, 'the correction to complete');
    expect(status).toContain('已更正');
    const [zone] = await adminQuery<{ time_zone: string }>(
      outreach.adminUrl,
      'SELECT time_zone FROM outreach.recipient_time_zones WHERE subject_ref = $1',
      [subjectRef],
    );
    expect(zone).toEqual({ time_zone: 'Asia/Urumqi' });
    const [req] = await adminQuery<{ kind: string; correction_value: string; received_via: string }>(
      outreach.adminUrl,
      'SELECT kind, correction_value, received_via FROM privacy.data_subject_requests WHERE subject_ref = $1',
      [subjectRef],
    );
    expect(req).toEqual({ kind: 'correct', correction_value: 'Asia/Urumqi', received_via: 'public_page' });
  });

  it('refuses a zone that does not exist before any code is sent', async () => {
    const [{ n: before }] = await adminQuery<{ n: number }>(
      outreach.adminUrl,
      'SELECT count(*)::int AS n FROM consent.sandbox_sms',
    );
    const res = await request(privacy)
      .post('/rights')
      .type('form')
      .send({ kind: 'correct', timeZone: 'Mars/Olympus', phone: '13800138000' })
      .expect(400);
    expect(res.text).toContain('时区');
    await new Promise((r) => setTimeout(r, 300));
    const [{ n: after }] = await adminQuery<{ n: number }>(
      outreach.adminUrl,
      'SELECT count(*)::int AS n FROM consent.sandbox_sms',
    );
    expect(after).toBe(before);
  });
});
