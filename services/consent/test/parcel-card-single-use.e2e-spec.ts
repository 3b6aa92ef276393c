import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@siyu/contracts';
import { adminQuery, bearer } from '@siyu/testing';
import { FakeWechatOAuth } from '../../../libs/testing/src/fake-vendors';
import { CONSENT_DB } from '../src/consent.options';
import { ParcelCardClaimRepository } from '../src/qr-consent/parcel-card-claim.repository';
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

const APP = { appId: 'wx_card_app', appSecret: 'card-app-secret' };

const EN_NOTICE = {
  locale: 'en',
  brandName: 'Demo Brand',
  brandContact: 'privacy@example.com',
  purposes: [
    { id: 'marketing_messages', description: 'Send you member events, new products and offers' },
    { id: 'purchase_history', description: 'Recommend products from what you bought in our shop' },
  ],
  channels: ['sms', 'wechat'],
  processingMethods: 'Collected, stored and used by us only; encrypted; never given to third parties',
  dataCategories: ['Mobile number (verified by a one-time code)', 'Purchases in our shop'],
  retention: 'While your consent lasts; consent records kept at least 5 months after withdrawal',
  rights: 'Reply T to any SMS, use the unsubscribe link or the preference centre',
};

/** Issue 9 §4: a parcel card links its order to at most one consenting subject, whatever the door. */
describe('a used parcel card enrols no other phone or WeChat account', () => {
  let t: ConsentTestApp;
  let oauth: FakeWechatOAuth;

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
        WECHAT_TOKEN: 'card-test-token',
        PUBLIC_PAGE_RATE_LIMIT_PER_MINUTE: '10000',
      },
    });
    await request(t.http)
      .post('/api/v1/consent/notices')
      .set('Authorization', await bearer(t.authKeys, 'privacy_officer'))
      .send(EN_NOTICE)
      .expect(201);
  });

  afterAll(async () => {
    await t?.close();
    await oauth?.stop();
  });

  /** Everything a grant writes: ledger, claims, subjects, bindings and consent.granted events. */
  async function footprint() {
    const [row] = await adminQuery<Record<string, number>>(
      t.adminUrl,
      `SELECT (SELECT count(*) FROM consent.ledger)::int AS ledger,
              (SELECT count(*) FROM consent.parcel_card_claims)::int AS claims,
              (SELECT count(*) FROM consent.subjects)::int AS subjects,
              (SELECT count(*) FROM consent.wechat_bindings)::int AS bindings,
              (SELECT count(*) FROM consent.outbox WHERE topic = $1)::int
                + (SELECT count(*) FROM consent.outbox_sent WHERE topic = $1)::int AS granted_events`,
      [TOPICS.consentGranted],
    );
    return row;
  }

  async function grantsFor(orderRef: string) {
    return adminQuery<{ subject_ref: string }>(
      t.adminUrl,
      `SELECT subject_ref FROM consent.ledger WHERE action = 'granted' AND evidence->>'orderRef' = $1`,
      [orderRef],
    );
  }

  /** Landing page → code for this phone → the agree form, filled in and ready to post. */
  async function agreeForm(token: string, phone: string, lang?: string) {
    const q = lang ? `?lang=${lang}` : '';
    const landing = await request(t.http).get(`/q/${token}${q}`).expect(200);
    const agreePage = await request(t.http)
      .post(`/q/${token}/code`)
      .type('form')
      .send({ phone, nonce: nonceIn(landing.text), ...(lang ? { lang } : {}) })
      .expect(200);
    const form = new URLSearchParams({
      phone,
      code: await lastCode(t.adminUrl),
      nonce: nonceIn(agreePage.text),
      ...shownNoticeIn(agreePage.text),
    });
    form.append('purposes', 'marketing_messages');
    form.append('purposes', 'purchase_history');
    form.append('channels', 'sms');
    form.append('agree', 'yes');
    return form.toString();
  }

  const postAgree = (token: string, form: string) =>
    request(t.http).post(`/q/${token}/agree`).type('form').send(form);

  it('shows a second phone, even with its own valid code, the "already used" page and writes nothing', async () => {
    const orderRef = randomUUID();
    const first = await consentThroughQr(t, freshPhone(), undefined, orderRef);
    const token = inviteToken(t, orderRef);
    const form = await agreeForm(token, freshPhone());
    const before = await footprint();

    const second = await postAgree(token, form).expect(409);
    expect(second.text).toContain('此包裹卡已被使用');
    expect(second.text).toContain('我们没有记录任何信息');
    expect(second.text).toContain('其他方式');
    expect(second.text).not.toContain('已加入');
    expect(await footprint()).toEqual(before);
    expect(await grantsFor(orderRef)).toEqual([{ subject_ref: first }]);
  });

  it('says the same on the English page', async () => {
    const orderRef = randomUUID();
    await consentThroughQr(t, freshPhone(), undefined, orderRef);
    const token = inviteToken(t, orderRef);
    const form = await agreeForm(token, freshPhone(), 'en');
    const before = await footprint();

    const second = await postAgree(token, form).expect(409);
    expect(second.text).toContain('<html lang="en">');
    expect(second.text).toContain('Parcel card already used');
    expect(second.text).toContain('We recorded nothing');
    expect(second.text).toContain('without a link to this order');
    expect(await footprint()).toEqual(before);
  });

  it('still tells the phone that did join that it is already a member, recording nothing new', async () => {
    const orderRef = randomUUID();
    const phone = freshPhone();
    await consentThroughQr(t, phone, undefined, orderRef);
    const token = inviteToken(t, orderRef);
    const form = await agreeForm(token, phone);
    const before = await footprint();
    const again = await postAgree(token, form).expect(200);
    expect(again.text).toContain('您已加入');
    expect(await footprint()).toEqual(before);
  });

  it('lets exactly one of two phones completing the same card at once join', async () => {
    const cards = Array.from({ length: 4 }, () => ({
      orderRef: randomUUID(),
      phones: [freshPhone(), freshPhone()],
    }));
    const forms: { card: (typeof cards)[number]; token: string; form: string }[] = [];
    for (const card of cards) {
      const token = inviteToken(t, card.orderRef);
      for (const phone of card.phones) forms.push({ card, token, form: await agreeForm(token, phone) });
    }
    const before = await footprint();

    const answers = await Promise.all(forms.map((f) => postAgree(f.token, f.form)));

    for (const card of cards) {
      const statuses = answers.filter((_, i) => forms[i].card === card).map((a) => a.status);
      expect(statuses.sort()).toEqual([200, 409]);
      expect(await grantsFor(card.orderRef)).toHaveLength(1);
    }
    const after = await footprint();
    expect(after.ledger - before.ledger).toBe(cards.length);
    expect(after.claims - before.claims).toBe(cards.length);
    expect(after.subjects - before.subjects).toBe(cards.length);
    expect(after.granted_events - before.granted_events).toBe(cards.length);
  });

  it('holds a concurrent second claim of a card in PostgreSQL until the first commits, then refuses it', async () => {
    const ds = t.app.get<DataSource>(CONSENT_DB);
    const cards = new ParcelCardClaimRepository();
    const orderRef = randomUUID();
    const first = ds.createQueryRunner();
    const second = ds.createQueryRunner();
    try {
      await first.startTransaction();
      await second.startTransaction();
      expect(await cards.claim(first.manager, BRAND.id, orderRef)).toBe(true);
      const secondClaim = cards.claim(second.manager, BRAND.id, orderRef);
      const early = await Promise.race([
        secondClaim.then(() => 'answered'),
        new Promise((r) => setTimeout(() => r('waiting'), 300)),
      ]);
      expect(early).toBe('waiting');
      await first.commitTransaction();
      expect(await secondClaim).toBe(false);
      await second.rollbackTransaction();
    } finally {
      await first.release();
      await second.release();
    }
  });

  describe('through 用微信授权 (WeChat OAuth)', () => {
    const freshOpenid = () => `o${randomBytes(14).toString('base64url')}`;

    /** Landing → /wechat/start → WeChat authorize → our callback: the WeChat agree step's HTML. */
    async function wechatAgreeStep(token: string, openid: string): Promise<string> {
      const start = await request(t.baseUrl).get(`/q/${token}/wechat/start`).expect(302);
      oauth.signInAs(openid);
      const back = await fetch(start.headers.location, { redirect: 'manual' });
      const callback = new URL(back.headers.get('location')!);
      return (await request(t.baseUrl).get(`${callback.pathname}${callback.search}`).expect(200)).text;
    }

    function wechatAgree(token: string, page: string) {
      const form = new URLSearchParams({
        nonce: nonceIn(page),
        ...shownNoticeIn(page),
        ticket: /name="ticket" value="([^"]+)"/.exec(page)![1],
        purposes: 'marketing_messages',
        channels: 'wechat',
        agree: 'yes',
      });
      return request(t.baseUrl).post(`/q/${token}/wechat/agree`).type('form').send(form.toString());
    }

    it('refuses a WeChat account on a card a phone already used, writing nothing', async () => {
      const orderRef = randomUUID();
      const first = await consentThroughQr(t, freshPhone(), undefined, orderRef);
      const token = inviteToken(t, orderRef);
      const step = await wechatAgreeStep(token, freshOpenid());
      const before = await footprint();

      const second = await wechatAgree(token, step).expect(409);
      expect(second.text).toContain('此包裹卡已被使用');
      expect(await footprint()).toEqual(before);
      expect(await grantsFor(orderRef)).toEqual([{ subject_ref: first }]);
    });

    it('refuses a phone on a card a WeChat account already used, and a second WeChat account too', async () => {
      const orderRef = randomUUID();
      const token = inviteToken(t, orderRef);
      const openid = freshOpenid();
      await wechatAgree(token, await wechatAgreeStep(token, openid)).expect(200);
      const [first] = await grantsFor(orderRef);

      const phoneForm = await agreeForm(token, freshPhone());
      const otherStep = await wechatAgreeStep(token, freshOpenid());
      const sameStep = await wechatAgreeStep(token, openid);
      const before = await footprint();
      expect((await postAgree(token, phoneForm).expect(409)).text).toContain('此包裹卡已被使用');
      expect((await wechatAgree(token, otherStep).expect(409)).text).toContain('此包裹卡已被使用');
      // The account that joined is told so, as on the phone path.
      expect((await wechatAgree(token, sameStep).expect(200)).text).toContain('您已加入');
      expect(await footprint()).toEqual(before);
      expect(await grantsFor(orderRef)).toEqual([first]);
    });
  });
});
