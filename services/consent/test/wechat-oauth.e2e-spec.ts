import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS } from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { adminQuery } from '@siyu/testing';
import { ConsentKeys } from '../src/consent.keys';
import { FakeWechat, FakeWechatOAuth } from '../../../libs/testing/src/fake-vendors';
import {
  inviteToken,
  nonceIn,
  shownNoticeIn,
  startConsentApp,
  type ConsentTestApp,
} from './consent-test-app';

const APP = { appId: 'wx_test_app', appSecret: 'test-app-secret' };

describe('QR page: 用微信授权 (WeChat OAuth) in place of the phone code', () => {
  let t: ConsentTestApp;
  let oauth: FakeWechatOAuth;
  let wechat: FakeWechat;
  const events: { topic: string; value: Record<string, any> }[] = [];

  beforeAll(async () => {
    oauth = new FakeWechatOAuth(APP);
    await oauth.start();
    t = await startConsentApp({
      listen: true,
      env: {
        WECHAT_APP_ID: APP.appId,
        WECHAT_APP_SECRET: APP.appSecret,
        WECHAT_OAUTH_BASE_URL: oauth.baseUrl,
        WECHAT_API_BASE_URL: oauth.baseUrl,
        WECHAT_TOKEN: 'oauth-test-token',
      },
    });
    wechat = new FakeWechat({ baseUrl: t.baseUrl, token: 'oauth-test-token' });
    await t.app
      .get(ServiceMessaging)
      .transport.subscribe(
        'wechat-oauth-spec',
        [TOPICS.consentGranted, TOPICS.consentWithdrawn],
        async (m) => {
          events.push({ topic: m.topic, value: JSON.parse(m.value) });
        },
      );
  });

  afterAll(async () => {
    await t?.close();
    await oauth?.stop();
  });

  const freshOpenid = () => `o${randomBytes(14).toString('base64url')}`;

  /** Landing page → our /wechat/start → WeChat's authorize → back to our callback (path only). */
  async function authorizeAs(token: string, openid: string) {
    const landing = await request(t.baseUrl).get(`/q/${token}`).expect(200);
    const href = /href="([^"]+)">用微信授权/.exec(landing.text)?.[1];
    expect(href).toBe(`/q/${token}/wechat/start`);
    const start = await request(t.baseUrl).get(href!).expect(302);
    const authorize = new URL(start.headers.location);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${oauth.baseUrl}/connect/oauth2/authorize`);
    expect(authorize.searchParams.get('scope')).toBe('snsapi_base');
    expect(authorize.searchParams.get('appid')).toBe(APP.appId);
    expect(authorize.hash).toBe('#wechat_redirect');
    oauth.signInAs(openid);
    const back = await fetch(start.headers.location, { redirect: 'manual' });
    const callback = new URL(back.headers.get('location')!);
    return { path: `${callback.pathname}${callback.search}`, state: callback.searchParams.get('state')! };
  }

  function agree(token: string, page: string, fields: Record<string, string | string[]>) {
    const form = new URLSearchParams({
      nonce: nonceIn(page),
      ...shownNoticeIn(page),
      ticket: /name="ticket" value="([^"]+)"/.exec(page)![1],
    });
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) form.append(k, x);
    return request(t.baseUrl).post(`/q/${token}/wechat/agree`).type('form').send(form.toString());
  }

  it('records a wechat-only grant, binds the openid and emits consent.granted.v1 with the openid sealed for outreach and the page’s time zone', async () => {
    const orderRef = randomUUID();
    const token = inviteToken(t, orderRef);
    const openid = freshOpenid();
    const { path } = await authorizeAs(token, openid);
    const step = await request(t.baseUrl).get(path).expect(200);
    // R6: nothing pre-ticked; only the WeChat channel; the openid never appears in the page.
    expect(step.text).not.toContain('checked');
    expect(step.text).not.toContain('value="sms"');
    expect(step.text).toContain('value="wechat"');
    expect(step.text).not.toContain(openid);
    expect(step.text).toContain('name="tz"');

    const done = await agree(token, step.text, {
      purposes: 'marketing_messages',
      channels: ['wechat', 'sms'],
      agree: 'yes',
      tz: 'Europe/Berlin',
    }).expect(200);
    expect(done.text).toContain('已加入');

    const [entry] = await adminQuery<{
      subject_ref: string;
      channels: string[];
      door: string;
      evidence: any;
    }>(
      t.adminUrl,
      `SELECT subject_ref, channels, door, evidence FROM consent.ledger WHERE evidence->>'orderRef' = $1`,
      [orderRef],
    );
    expect(entry.channels).toEqual(['wechat']);
    expect(entry.door).toBe('parcel_qr');
    expect(entry.evidence.contactVerifiedBy).toBe('wechat_oauth');
    expect(JSON.stringify(entry.evidence)).not.toContain(openid);
    const bindings = await adminQuery(
      t.adminUrl,
      'SELECT 1 FROM consent.wechat_bindings WHERE subject_ref = $1',
      [entry.subject_ref],
    );
    expect(bindings).toHaveLength(1);

    await waitFor(() => events.some((e) => e.value.subjectRef === entry.subject_ref));
    const granted = events.find((e) => e.value.subjectRef === entry.subject_ref)!;
    expect(granted.topic).toBe(TOPICS.consentGranted);
    expect(granted.value.channels).toEqual(['wechat']);
    // The openid travels only sealed, for WeChat only (ADR 0003): outreach sends to it.
    expect(granted.value.contactPoints).toEqual([{ channel: 'wechat', sealed: expect.any(String) }]);
    expect(
      t.app.get(ConsentKeys).contacts.open(granted.value.contactPoints[0].sealed, entry.subject_ref),
    ).toBe(openid);
    expect(JSON.stringify(granted.value)).not.toContain(openid);
    expect(granted.value.timeZone).toBe('Europe/Berlin');
    const ledger = await adminQuery(t.adminUrl, 'SELECT * FROM consent.ledger WHERE subject_ref = $1', [
      entry.subject_ref,
    ]);
    expect(JSON.stringify(ledger)).not.toContain('Europe/Berlin');

    // 取消关注 now withdraws it (R9).
    expect((await wechat.unsubscribe(openid)).status).toBe(200);
    const actions = await adminQuery<{ action: string; source: string | null }>(
      t.adminUrl,
      'SELECT action, source FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [entry.subject_ref],
    );
    expect(actions).toEqual([
      { action: 'granted', source: null },
      { action: 'withdrawn', source: 'wechat' },
    ]);
  });

  it('finds a returning WeChat customer by their openid: a second card agreed with the same openid is the same subject', async () => {
    const openid = freshOpenid();
    const subjects: string[] = [];
    for (const orderRef of [randomUUID(), randomUUID()]) {
      const token = inviteToken(t, orderRef);
      const { path } = await authorizeAs(token, openid);
      const step = await request(t.baseUrl).get(path).expect(200);
      await agree(token, step.text, {
        purposes: 'marketing_messages',
        channels: 'wechat',
        agree: 'yes',
      }).expect(200);
      const [entry] = await adminQuery<{ subject_ref: string }>(
        t.adminUrl,
        `SELECT subject_ref FROM consent.ledger WHERE evidence->>'orderRef' = $1`,
        [orderRef],
      );
      subjects.push(entry.subject_ref);
    }
    expect(subjects[1]).toBe(subjects[0]);
  });

  it('refuses a forged state, a state for another card and a bad code, recording nothing', async () => {
    const token = inviteToken(t);
    const { path, state } = await authorizeAs(token, freshOpenid());
    const code = new URLSearchParams(path.split('?')[1]).get('code')!;
    const forged = await request(t.baseUrl)
      .get(`/q/${token}/wechat?code=${code}&state=${encodeURIComponent(state.slice(0, -2) + 'xx')}`)
      .expect(403);
    expect(forged.text).toContain('微信授权未完成');
    const other = inviteToken(t);
    await request(t.baseUrl)
      .get(`/q/${other}/wechat?code=${code}&state=${encodeURIComponent(state)}`)
      .expect(403);
    await request(t.baseUrl)
      .get(`/q/${token}/wechat?code=nosuchcode&state=${encodeURIComponent(state)}`)
      .expect(403);
    expect(oauth.exchanges.at(-1)).toMatchObject({
      appid: APP.appId,
      secret: APP.appSecret,
      code: 'nosuchcode',
    });
  });

  it('refuses an agree POST with a forged ticket or without the form nonce', async () => {
    const token = inviteToken(t);
    const { path } = await authorizeAs(token, freshOpenid());
    const step = await request(t.baseUrl).get(path).expect(200);
    const before = await adminQuery(t.adminUrl, 'SELECT count(*)::int AS n FROM consent.ledger');
    const forged = step.text.replace(
      /name="ticket" value="([^"]+)"/,
      (_m, v: string) => `name="ticket" value="${v.slice(0, -3)}abc"`,
    );
    await agree(token, forged, { purposes: 'marketing_messages', channels: 'wechat', agree: 'yes' }).expect(
      403,
    );
    await request(t.baseUrl)
      .post(`/q/${token}/wechat/agree`)
      .type('form')
      .send({ ticket: 'x', purposes: 'marketing_messages', channels: 'wechat', agree: 'yes' })
      .expect(403);
    // No tick: the same step again, nothing recorded.
    const again = await agree(token, step.text, {
      purposes: 'marketing_messages',
      channels: 'wechat',
    }).expect(400);
    expect(again.text).toContain('name="ticket"');
    expect(await adminQuery(t.adminUrl, 'SELECT count(*)::int AS n FROM consent.ledger')).toEqual(before);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
