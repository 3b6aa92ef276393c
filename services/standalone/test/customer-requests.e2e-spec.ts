import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv, loadBlindIndex, loadTokenSigner } from '@siyu/crypto';
import { TOPICS } from '@siyu/contracts';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { ConsentModule } from '../../consent/src/consent.module';
import { PrivacyModule } from '../../privacy/src/privacy.module';
import {
  BRAND,
  consentThroughQr,
  freshPhone,
  preferenceToken,
  type ConsentTestApp,
} from '../../consent/test/consent-test-app';

/**
 * R14 from the customer's side: the public request page in the privacy service, the one-time code
 * sent by consent (which alone knows verified phones), and the status page with receipts.
 */
describe('customer-started data-subject requests (R14)', () => {
  const authKeys = testAuthKeys();
  const secrets = generateSecretsEnv();
  const phoneIndex = loadBlindIndex(secrets, 'CONSENT');
  const transport = new InProcessTransport();
  const events: string[] = [];
  const apps: INestApplication[] = [];
  let adminUrl: string;
  let consent: App;
  let privacy: App;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('custreq');
    await transport.ensureTopics(Object.values(TOPICS));
    await transport.subscribe('test.spy', Object.values(TOPICS), async (m) => void events.push(m.value));
    const start = async (module: Parameters<typeof Test.createTestingModule>[0]['imports']) => {
      const ref = await Test.createTestingModule({ imports: module }).compile();
      const app = ref.createNestApplication({ logger: ['error', 'warn'] });
      installHttpEdge(app, { publicKey: authKeys.publicKey });
      await app.init();
      apps.push(app);
      return app.getHttpServer();
    };
    // Privacy first: it asks for consent's key at start; consent, started after, publishes it anyway.
    privacy = await start([
      PrivacyModule.register({
        env: generateSecretsEnv(),
        adminDatabaseUrl: adminUrl,
        transport,
        brandId: BRAND.id,
        brandName: BRAND.name,
        answeringServices: ['consent'],
      }),
    ]);
    consent = await start([
      ConsentModule.register({
        adminDatabaseUrl: adminUrl,
        transport,
        env: secrets,
        brand: BRAND,
        publicBaseUrl: 'http://127.0.0.1:3002',
      }),
    ]);
    await waitFor(
      async () => (await adminQuery(adminUrl, 'SELECT 1 FROM privacy.requester_seal_keys')).length > 0,
      "consent's seal key reaching privacy",
    );
  }, 60_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  const consentApp = () =>
    ({
      http: consent,
      adminUrl,
      invitations: loadTokenSigner(secrets, 'INVITE'),
      unsubscribe: loadTokenSigner(secrets, 'UNSUBSCRIBE'),
    }) as unknown as ConsentTestApp;

  /** The texts consent's sandbox channel sent to `phone`, newest first. */
  async function textsTo(phone: string): Promise<string[]> {
    const rows = await adminQuery<{ body: string }>(
      adminUrl,
      'SELECT body FROM consent.sandbox_sms WHERE to_index = $1 ORDER BY id DESC',
      [phoneIndex.compute(`phone:${BRAND.id}`, phone)],
    );
    return rows.map((r) => r.body);
  }

  async function codeSentTo(phone: string, before: number): Promise<string> {
    const texts = await waitFor(async () => {
      const t = await textsTo(phone);
      return t.length > before ? t : undefined;
    }, 'the code text');
    return /(\d{6})/.exec(texts![0])![1];
  }

  const challengeIn = (html: string) => /name="challenge" value="([0-9a-f-]{36})"/.exec(html)![1];

  async function startRequest(kind: string, phone: string, lang?: string) {
    const before = (await textsTo(phone)).length;
    const res = await request(privacy)
      .post('/rights')
      .type('form')
      .send({ kind, phone, ...(lang ? { lang } : {}) });
    return { res, before };
  }

  /** Starts a request, types the code back; answers the status page's path. */
  async function requestThroughPages(kind: string, phone: string, lang?: string): Promise<string> {
    const { res, before } = await startRequest(kind, phone, lang);
    expect(res.status).toBe(200);
    const code = await codeSentTo(phone, before);
    const confirmed = await waitFor(async () => {
      const r = await request(privacy)
        .post('/rights/code')
        .type('form')
        .send({ challenge: challengeIn(res.text), code, ...(lang ? { lang } : {}) });
      return r.status === 409 ? undefined : r; // STILL_CHECKING: consent's answer not in yet
    }, 'the code to be accepted');
    expect(confirmed!.status).toBe(303);
    return confirmed!.headers.location;
  }

  it('offers the page in Chinese by default and in English on request', async () => {
    const zh = await request(privacy).get('/rights').expect(200);
    expect(zh.text).toContain('查询、复制或删除我的个人信息');
    expect(zh.text).toContain(BRAND.name);
    const en = await request(privacy).get('/rights').set('Accept-Language', 'en-US,en;q=0.9').expect(200);
    expect(en.text).toContain('See, copy or delete my personal information');
  });

  it("is linked from consent's preference centre", async () => {
    const subjectRef = await consentThroughQr(consentApp(), freshPhone());
    const centre = await request(consent)
      .get(`/p/${preferenceToken(consentApp(), subjectRef)}`)
      .expect(200);
    expect(centre.text).toMatch(/<a href="\/rights">查询、复制或删除我的个人信息<\/a>/);
  });

  it('answers a member and a stranger with the same page, and texts each of them a code', async () => {
    const member = freshPhone();
    await consentThroughQr(consentApp(), member);
    const stranger = freshPhone();
    const a = await startRequest('access', member);
    const b = await startRequest('access', stranger);
    expect(a.res.status).toBe(b.res.status);
    const scrub = (html: string) => html.replace(challengeIn(html), '<id>');
    expect(scrub(a.res.text)).toBe(scrub(b.res.text));
    await codeSentTo(member, a.before);
    await codeSentTo(stranger, b.before);
    // Privacy did no lookup: it keeps neither phone, and the event carried the phone sealed only.
    for (const phone of [member, stranger]) {
      expect(events.some((e) => e.includes(phone) || e.includes(phone.slice(3)))).toBe(false);
      const [{ n }] = await adminQuery<{ n: number }>(
        adminUrl,
        `SELECT (SELECT count(*) FROM privacy.requester_challenges c WHERE c::text LIKE '%' || $1 || '%')
              + (SELECT count(*) FROM privacy.audit_log a WHERE a::text LIKE '%' || $1 || '%') AS n`,
        [phone.slice(3)],
      );
      expect(Number(n)).toBe(0);
    }
  });

  it("gives a member a status page that fills with each service's receipt, and a JSON copy of their subject only", async () => {
    const member = freshPhone();
    const subjectRef = await consentThroughQr(consentApp(), member);
    const statusPath = await requestThroughPages('access', member);
    expect(statusPath).toMatch(/^\/rights\/status\/[A-Za-z0-9_-]{32}$/);
    const page = await waitFor(async () => {
      const r = await request(privacy).get(statusPath).expect(200);
      return r.text.includes('已完成') ? r.text : undefined;
    }, 'the request to complete');
    expect(page).toContain('同意记录');
    expect(page).toContain('verified_phone');
    expect(page).not.toContain(member.slice(3));
    const copy = await request(privacy).get(`${statusPath}/export.json`).expect(200);
    expect(copy.body.subjectRef).toBe(subjectRef);
    expect(copy.body.services.consent).toEqual(
      expect.arrayContaining([expect.objectContaining({ category: 'verified_phone', records: 1 })]),
    );
    expect(JSON.stringify(copy.body)).not.toContain(member.slice(3));
  });

  it('gives a stranger the same flow, ending in receipts that hold nothing', async () => {
    const stranger = freshPhone();
    const statusPath = await requestThroughPages('access', stranger, 'en');
    expect(statusPath).toMatch(/\?lang=en$/);
    const page = await waitFor(async () => {
      const r = await request(privacy).get(statusPath).expect(200);
      return r.text.includes('Completed') ? r.text : undefined;
    }, 'the request to complete');
    expect(page).toContain('Holds nothing about you.');
    const copy = await request(privacy)
      .get(`${statusPath.split('?')[0]}/export.json`)
      .expect(200);
    expect(copy.body.services.consent.every((l: { records: number }) => l.records === 0)).toBe(true);
  });

  it("erases a member's data when they ask on the page, and the receipt says what was kept as proof", async () => {
    const member = freshPhone();
    const subjectRef = await consentThroughQr(consentApp(), member);
    const statusPath = await requestThroughPages('erasure', member);
    const page = await waitFor(async () => {
      const r = await request(privacy).get(statusPath).expect(200);
      return r.text.includes('已完成') ? r.text : undefined;
    }, 'the erasure to complete');
    expect(page).toContain('作为证明保留');
    expect(
      await adminQuery(adminUrl, 'SELECT 1 FROM consent.subjects WHERE subject_ref = $1', [subjectRef]),
    ).toEqual([]);
    const [request_] = await adminQuery<{ received_via: string; kind: string }>(
      adminUrl,
      'SELECT received_via, kind FROM privacy.data_subject_requests WHERE subject_ref = $1',
      [subjectRef],
    );
    expect(request_).toEqual({ received_via: 'public_page', kind: 'erasure' });
    await request(privacy).get(`${statusPath}/export.json`).expect(409);
  });

  it('withdraws every consent a member gave when they ask on the page, and the receipt says what was withdrawn', async () => {
    const member = freshPhone();
    const subjectRef = await consentThroughQr(consentApp(), member);
    const statusPath = await requestThroughPages('withdraw_all', member);
    const page = await waitFor(async () => {
      const r = await request(privacy).get(statusPath).expect(200);
      return r.text.includes('已完成') ? r.text : undefined;
    }, 'the withdrawal to complete');
    expect(page).toContain('撤回我给过的全部同意');
    expect(page).toContain('已撤回');
    expect(page).toMatch(/withdrawn at once: marketing_messages, purchase_history on sms, wechat/);
    const ledger = await adminQuery<{ action: string; source: string | null }>(
      adminUrl,
      'SELECT action, source FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [subjectRef],
    );
    expect(ledger).toEqual([
      { action: 'granted', source: null },
      { action: 'withdrawn', source: 'privacy_request' },
    ]);
    // Only consent answers a withdrawal: the others follow consent.withdrawn.v1 (R10).
    const [{ n }] = await adminQuery<{ n: number }>(
      adminUrl,
      `SELECT count(*)::int AS n FROM privacy.request_services rs
         JOIN privacy.data_subject_requests r ON r.id = rs.request_id WHERE r.subject_ref = $1`,
      [subjectRef],
    );
    expect(n).toBe(1);
  });

  it('refuses a wrong code, and ends the challenge after five wrong codes even if the sixth is right', async () => {
    const phone = freshPhone();
    const { res, before } = await startRequest('access', phone);
    const code = await codeSentTo(phone, before);
    const wrong = code === '000000' ? '000001' : '000000';
    const challenge = challengeIn(res.text);
    const first = await request(privacy).post('/rights/code').type('form').send({ challenge, code: wrong });
    expect(first.status).toBe(400);
    expect(first.text).toContain('验证码不正确');
    for (let i = 0; i < 3; i++)
      await request(privacy).post('/rights/code').type('form').send({ challenge, code: wrong }).expect(400);
    await request(privacy).post('/rights/code').type('form').send({ challenge, code: wrong }).expect(429);
    await request(privacy).post('/rights/code').type('form').send({ challenge, code }).expect(429);
  });

  it('sends no more than five texts to one phone in an hour, however often the page is used', async () => {
    const phone = freshPhone();
    const challenges: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { res } = await startRequest('access', phone);
      expect(res.status).toBe(200);
      challenges.push(challengeIn(res.text));
    }
    await waitFor(
      async () =>
        (
          await adminQuery(
            adminUrl,
            'SELECT 1 FROM privacy.requester_challenges WHERE id = ANY($1) AND resolved_at IS NOT NULL',
            [challenges],
          )
        ).length === 7,
      'consent to answer every challenge',
    );
    expect(await textsTo(phone)).toHaveLength(5);
  });

  it('names the problem on the page for a bad phone or kind, and keeps nothing', async () => {
    const bad = await request(privacy).post('/rights').type('form').send({ kind: 'access', phone: '12345' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('请填写有效的中国大陆手机号');
    const kind = await request(privacy)
      .post('/rights')
      .type('form')
      .send({ kind: 'everything', phone: freshPhone(), lang: 'en' });
    expect(kind.status).toBe(400);
    expect(kind.text).toContain('Please choose what you would like to do.');
  });

  it('shows nothing behind a made-up status link', async () => {
    const r = await request(privacy).get(`/rights/status/${'A'.repeat(32)}`);
    expect(r.status).toBe(404);
    await request(privacy)
      .get(`/rights/status/${'A'.repeat(32)}/export.json`)
      .expect(404);
  });
});

describe('the public request pages, per address', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('custreqrl');
    const ref = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          env: generateSecretsEnv(),
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(),
          brandId: BRAND.id,
          publicPageRateLimitPerMinute: 3,
        }),
      ],
    }).compile();
    app = ref.createNestApplication({ logger: ['error'] });
    installHttpEdge(app, { publicKey: testAuthKeys().publicKey });
    await app.init();
  }, 60_000);
  afterAll(async () => app?.close());

  it('refuses an address that asks too often with 429 and a page saying so, in its language', async () => {
    for (let i = 0; i < 3; i++) await request(app.getHttpServer()).get('/rights').expect(200);
    const refused = await request(app.getHttpServer()).get('/rights?lang=en');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toEqual(expect.any(String));
    expect(refused.text).toContain('Too many requests');
    await request(app.getHttpServer()).post('/rights').type('form').send({ kind: 'access' }).expect(429);
  });

  it('says the service is not ready, rather than failing, while consent has not published its key', async () => {
    // Its own app: the limiter above has already refused this address.
    const adminUrl = await createTestDatabase('custreqnk');
    const ref = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          env: generateSecretsEnv(),
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(),
          brandId: BRAND.id,
        }),
      ],
    }).compile();
    const fresh = ref.createNestApplication({ logger: ['error'] });
    installHttpEdge(fresh, { publicKey: testAuthKeys().publicKey });
    await fresh.init();
    try {
      const r = await request(fresh.getHttpServer())
        .post('/rights')
        .type('form')
        .send({ kind: 'access', phone: freshPhone() });
      expect(r.status).toBe(503);
      expect(r.text).toContain('服务暂时不可用');
    } finally {
      await fresh.close();
    }
  });
});

describe("consent's seal key reaching a privacy service started later", () => {
  it('is sent again when privacy asks for it at start, so the page works whatever the start order', async () => {
    const adminUrl = await createTestDatabase('custreqkey');
    const transport = new InProcessTransport();
    const apps: INestApplication[] = [];
    const start = async (module: Parameters<typeof Test.createTestingModule>[0]['imports']) => {
      const ref = await Test.createTestingModule({ imports: module }).compile();
      const app = ref.createNestApplication({ logger: ['error'] });
      installHttpEdge(app, { publicKey: testAuthKeys().publicKey });
      await app.init();
      apps.push(app);
      return app;
    };
    try {
      await start([
        ConsentModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          env: generateSecretsEnv(),
          brand: BRAND,
          publicBaseUrl: 'http://127.0.0.1:3002',
        }),
      ]);
      // Consent's own start-up publication has gone by with nobody subscribed to it.
      await waitFor(
        async () => (await adminQuery(adminUrl, 'SELECT 1 FROM consent.outbox')).length === 0,
        "consent's outbox to drain",
      );
      const privacy = await start([
        PrivacyModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          brandId: BRAND.id,
          env: generateSecretsEnv(),
        }),
      ]);
      await waitFor(
        async () => (await adminQuery(adminUrl, 'SELECT 1 FROM privacy.requester_seal_keys')).length > 0,
        'the key, sent again on request',
      );
      await request(privacy.getHttpServer())
        .post('/rights')
        .type('form')
        .send({ kind: 'access', phone: freshPhone() })
        .expect(200);
    } finally {
      for (const app of apps.reverse()) await app.close();
    }
  }, 60_000);
});
