import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { adminQuery } from '@siyu/testing';
import {
  BRAND,
  consentThroughQr,
  freshPhone,
  inviteToken,
  lastCode,
  nonceIn,
  shownNoticeIn,
  startConsentApp,
  type ConsentTestApp,
} from './consent-test-app';

describe('QR consent page hardening (door 2: R6, R7; issue 5 §4, §7)', () => {
  let t: ConsentTestApp;

  beforeAll(async () => {
    t = await startConsentApp();
  });
  afterAll(async () => t?.close());

  const smsCount = async () => (await adminQuery(t.adminUrl, 'SELECT 1 FROM consent.sandbox_sms')).length;
  const ledgerCount = async () => (await adminQuery(t.adminUrl, 'SELECT 1 FROM consent.ledger')).length;

  async function codeStep(token: string, phone: string) {
    const landing = await request(t.http).get(`/q/${token}`).expect(200);
    return request(t.http)
      .post(`/q/${token}/code`)
      .type('form')
      .send({ phone, nonce: nonceIn(landing.text) });
  }

  it('shows a forged token its own page and changes nothing', async () => {
    const forged = inviteToken(t).slice(0, -3) + 'AAA';
    const page = await request(t.http).get(`/q/${forged}`).expect(404);
    expect(page.text).toContain('二维码无效');
    const post = await request(t.http).post(`/q/${forged}/code`).type('form').send({ phone: freshPhone() });
    expect(post.status).toBe(404);
    expect(post.text).toContain('二维码无效');
  });

  it('shows an expired token a different page than a forged one', async () => {
    const expired = t.invitations.sign(
      { o: randomUUID(), b: BRAND.id },
      { purpose: 'qr-invite', expiresInSeconds: 60, now: new Date(Date.now() - 3600_000) },
    );
    const page = await request(t.http).get(`/q/${expired}`).expect(410);
    expect(page.text).toContain('二维码已过期');
    expect(page.text).not.toContain('二维码无效');
  });

  it('treats a token for another brand, or an unsubscribe token, as invalid', async () => {
    await request(t.http)
      .get(`/q/${inviteToken(t, randomUUID(), 'other-brand')}`)
      .expect(404);
    const wrongPurpose = t.invitations.sign(
      { o: randomUUID(), b: BRAND.id },
      { purpose: 'unsubscribe', expiresInSeconds: 60 },
    );
    await request(t.http).get(`/q/${wrongPurpose}`).expect(404);
  });

  it('refuses a form posted without the nonce of the page it came from (CSRF), sending nothing', async () => {
    const token = inviteToken(t);
    const before = await smsCount();
    const bare = await request(t.http)
      .post(`/q/${token}/code`)
      .type('form')
      .send({ phone: freshPhone() })
      .expect(403);
    expect(bare.text).toContain('页面已过期');
    expect(bare.text).toContain(`href="/q/${token}"`);
    // A nonce from another token's page, or from the other step of this page, does not pass either.
    const otherPage = await request(t.http)
      .get(`/q/${inviteToken(t)}`)
      .expect(200);
    await request(t.http)
      .post(`/q/${token}/code`)
      .type('form')
      .send({ phone: freshPhone(), nonce: nonceIn(otherPage.text) })
      .expect(403);
    const agreePage = await codeStep(token, freshPhone()).then((r) => r.text);
    const codeNonce = nonceIn((await request(t.http).get(`/q/${token}`)).text);
    await request(t.http)
      .post(`/q/${token}/agree`)
      .type('form')
      .send(
        `phone=13900000000&code=000000&purposes=marketing_messages&channels=sms&agree=yes&nonce=${encodeURIComponent(codeNonce)}`,
      )
      .expect(403);
    expect(agreePage).toContain('name="nonce"');
    expect(await smsCount()).toBe(before + 1);
  });

  it('answers the code step alike for a member and a non-member phone', async () => {
    const member = freshPhone();
    await consentThroughQr(t, member);
    const stranger = freshPhone();
    const token = inviteToken(t);
    const forMember = await codeStep(token, member);
    const forStranger = await codeStep(token, stranger);
    expect(forMember.status).toBe(200);
    expect(forStranger.status).toBe(forMember.status);
    const normalise = (html: string, phone: string) =>
      html.replaceAll(phone, '<phone>').replace(/name="nonce" value="[^"]+"/, 'name="nonce" value="<nonce>"');
    expect(normalise(forMember.text, member)).toBe(normalise(forStranger.text, stranger));
    const [sentToMember, sentToStranger] = await adminQuery<{ body: string }>(
      t.adminUrl,
      'SELECT body FROM consent.sandbox_sms ORDER BY id DESC LIMIT 2',
    ).then((rows) => rows.reverse());
    expect(sentToMember.body.replace(/\d{6}/, '<code>')).toBe(sentToStranger.body.replace(/\d{6}/, '<code>'));
  });

  it('tells a customer whose order already joined with this phone that they are already a member', async () => {
    const phone = freshPhone();
    const orderRef = randomUUID();
    await consentThroughQr(t, phone, { purposes: ['marketing_messages'], channels: ['sms'] }, orderRef);
    const before = await ledgerCount();
    const token = inviteToken(t, orderRef);
    const agreePage = await codeStep(token, phone).then((r) => r.text);
    const again = await request(t.http)
      .post(`/q/${token}/agree`)
      .type('form')
      .send(
        `phone=${phone}&code=${await lastCode(t.adminUrl)}&purposes=marketing_messages&channels=sms&agree=yes&nonce=${encodeURIComponent(nonceIn(agreePage))}&${new URLSearchParams(shownNoticeIn(agreePage))}`,
      )
      .expect(200);
    expect(again.text).toContain('您已加入');
    expect(again.text).toMatch(/href="\/p\/[A-Za-z0-9_.-]+"/);
    expect(await ledgerCount()).toBe(before);
  });

  it('limits one-time codes per phone, then answers 429', async () => {
    const phone = freshPhone();
    for (let i = 0; i < 5; i++) expect((await codeStep(inviteToken(t), phone)).status).toBe(200);
    const limited = await codeStep(inviteToken(t), phone);
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('请稍后再试');
  });

  it('limits one-time codes per token, then answers 429', async () => {
    const token = inviteToken(t);
    for (let i = 0; i < 10; i++) expect((await codeStep(token, freshPhone())).status).toBe(200);
    expect((await codeStep(token, freshPhone())).status).toBe(429);
  });

  it('stops accepting codes after five wrong attempts, even the right one', async () => {
    const token = inviteToken(t);
    const phone = freshPhone();
    const agreePage = await codeStep(token, phone).then((r) => r.text);
    const code = await lastCode(t.adminUrl);
    const wrong = code === '000000' ? '111111' : '000000';
    const post = (c: string) =>
      request(t.http)
        .post(`/q/${token}/agree`)
        .type('form')
        .send(
          `phone=${phone}&code=${c}&purposes=marketing_messages&channels=sms&agree=yes&nonce=${encodeURIComponent(nonceIn(agreePage))}&${new URLSearchParams(shownNoticeIn(agreePage))}`,
        );
    for (let i = 0; i < 5; i++) expect((await post(wrong)).status).toBe(400);
    const right = await post(code);
    expect(right.status).toBe(400);
    expect(right.text).toContain('验证码错误或已过期');
  });

  it('refuses an oversized body and changes nothing', async () => {
    const token = inviteToken(t);
    const before = await smsCount();
    const res = await request(t.http)
      .post(`/q/${token}/code`)
      .type('form')
      .send({ phone: '1'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(await smsCount()).toBe(before);
  });

  it('needs no JavaScript and fixes no width wider than 320 px', async () => {
    const landing = await request(t.http)
      .get(`/q/${inviteToken(t)}`)
      .expect(200);
    expect(landing.text).not.toMatch(/<script/i);
    for (const [, px] of landing.text.matchAll(/(?<!max-)width:\s*(\d+)px/g))
      expect(Number(px)).toBeLessThanOrEqual(320);
    expect(landing.text).toContain('name="viewport" content="width=device-width');
  });
});

describe('per-IP limit on public pages', () => {
  let t: ConsentTestApp;

  beforeAll(async () => {
    t = await startConsentApp({ env: { PUBLIC_PAGE_RATE_LIMIT_PER_MINUTE: '4' } });
  });
  afterAll(async () => t?.close());

  it('answers 429 with Retry-After on /q, /u and /p once an address exceeds its window', async () => {
    for (let i = 0; i < 4; i++)
      await request(t.http)
        .get(`/q/${inviteToken(t)}`)
        .expect(200);
    for (const path of [`/q/${inviteToken(t)}`, '/u/anything', '/p/anything']) {
      const res = await request(t.http).get(path).expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.text).toContain('请求过于频繁');
    }
    // Staff APIs are not customer pages and are not counted here.
    await request(t.http).get('/api/v1/consent/notices/current').expect(401);
  });
});
