import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { adminQuery, bearer, FakeWechatOAuth } from '@siyu/testing';
import {
  freshPhone,
  inviteToken,
  lastCode,
  nonceIn,
  shownNoticeIn,
  startConsentApp,
  type ConsentTestApp,
} from './consent-test-app';

const APP = { appId: 'wx_done_page', appSecret: 'done-page-secret' };

/** R9: the page that lets a customer in tells them the way out of exactly what they granted. */
describe('the done page names the channels and purposes granted, and each one’s way out', () => {
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
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await oauth?.stop();
  });

  async function joinByPhone(purposes: string[], channels: string[], lang = 'zh-CN'): Promise<string> {
    const token = inviteToken(t);
    const phone = freshPhone();
    const landing = await request(t.baseUrl).get(`/q/${token}?lang=${lang}`).expect(200);
    const agreePage = await request(t.baseUrl)
      .post(`/q/${token}/code`)
      .type('form')
      .send({ phone, nonce: nonceIn(landing.text), lang })
      .expect(200);
    const form = new URLSearchParams({
      phone,
      code: await lastCode(t.adminUrl),
      nonce: nonceIn(agreePage.text),
      ...shownNoticeIn(agreePage.text),
      agree: 'yes',
    });
    for (const p of purposes) form.append('purposes', p);
    for (const c of channels) form.append('channels', c);
    return (await request(t.baseUrl).post(`/q/${token}/agree`).type('form').send(form.toString()).expect(200))
      .text;
  }

  async function joinByWechat(purposes: string[], query = '', orderRef = randomUUID()): Promise<string> {
    const token = inviteToken(t, orderRef);
    const start = await request(t.baseUrl).get(`/q/${token}/wechat/start${query}`).expect(302);
    oauth.signInAs(`o${randomBytes(14).toString('base64url')}`);
    const back = await fetch(start.headers.location, { redirect: 'manual' });
    const callback = new URL(back.headers.get('location')!);
    const step = await request(t.baseUrl).get(`${callback.pathname}${callback.search}`).expect(200);
    const form = new URLSearchParams({
      nonce: nonceIn(step.text),
      ...shownNoticeIn(step.text),
      ticket: /name="ticket" value="([^"]+)"/.exec(step.text)![1],
      channels: 'wechat',
      agree: 'yes',
    });
    for (const p of purposes) form.append('purposes', p);
    return (
      await request(t.baseUrl).post(`/q/${token}/wechat/agree`).type('form').send(form.toString()).expect(200)
    ).text;
  }

  const preferenceLink = /<a class="button" href="\/p\/[A-Za-z0-9_.-]+">打开偏好中心<\/a>/;

  it('after an SMS-only join: the SMS way out (T/退订) and the preference centre, nothing about WeChat', async () => {
    const page = await joinByPhone(['marketing_messages'], ['sms']);
    expect(page).toContain('您同意了：接收营销信息（活动、新品、优惠）</p>');
    expect(page).toContain('渠道：短信</p>');
    expect(page).toContain('回复“T”或“退订”即可退订短信');
    expect(page).toMatch(preferenceLink);
    expect(page).not.toContain('微信');
    expect(page).not.toContain('公众号');
    expect(page).not.toContain('使用我在本店的购买记录为我推荐');
  });

  it('after a WeChat-only join by WeChat OAuth: the menu and unfollow, and the preference centre, nothing about SMS', async () => {
    const page = await joinByWechat(['marketing_messages', 'purchase_history']);
    expect(page).toContain('您同意了：接收营销信息（活动、新品、优惠）、使用我在本店的购买记录为我推荐</p>');
    expect(page).toContain('渠道：微信</p>');
    expect(page).toContain('在公众号菜单点击“退订营销消息”，或取消关注公众号');
    expect(page).toMatch(preferenceLink);
    expect(page).not.toContain('短信');
    expect(page).not.toMatch(/回复.{0,3}T/);
  });

  it('after a WeChat-only join on the English page: English ways out for WeChat only, and the en notice recorded', async () => {
    await request(t.baseUrl)
      .post('/api/v1/consent/notices')
      .set('Authorization', await bearer(t.authKeys, 'privacy_officer'))
      .send({
        locale: 'en',
        brandName: 'Demo Brand',
        brandContact: 'privacy@example.com',
        purposes: [
          { id: 'marketing_messages', description: 'Send you member events, new products and offers' },
        ],
        channels: ['sms', 'wechat'],
        processingMethods: 'Collected, stored and used by us only',
        dataCategories: ['WeChat openid'],
        retention: 'While your consent lasts',
        rights: 'Unfollow, the menu, or the preference centre',
      })
      .expect(201);
    const orderRef = randomUUID();
    const page = await joinByWechat(['marketing_messages'], '?lang=en', orderRef);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('Channels: WeChat</p>');
    expect(page).toContain('or unfollow the account');
    expect(page).toMatch(/href="\/p\/[A-Za-z0-9_.-]+\?lang=en">Open the preference centre<\/a>/);
    expect(page).not.toMatch(/SMS|reply T/);
    const [entry] = await adminQuery<{ locale: string }>(
      t.adminUrl,
      `SELECT n.locale FROM consent.ledger l JOIN consent.notices n ON n.content_hash = l.notice_hash
        WHERE l.evidence->>'orderRef' = $1`,
      [orderRef],
    );
    expect(entry.locale).toBe('en');
  });

  it('after joining on both channels: both ways out', async () => {
    const page = await joinByPhone(['marketing_messages'], ['sms', 'wechat']);
    expect(page).toContain('渠道：短信、微信</p>');
    expect(page).toContain('回复“T”或“退订”即可退订短信');
    expect(page).toContain('取消关注公众号');
  });
});
